/*
 * Mediated DMA, set up for the guest (see monitor/dma.c, drivers/dma.h).
 */
#ifndef MON_DMA_H
#define MON_DMA_H

#include "drivers/dma.h"

/* mode: the dma= option; pci_mode: the pci= option's enum dev_mode.  Call
   after dev_init, before the I/O bitmap is filled.  -1: dma=iommu without
   a usable IOMMU (an error line is logged). */
int dma_setup(enum dma_mode mode, int pci_mode);

#endif
