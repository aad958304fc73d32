/*
 * DMA by the devices the guest drives (docs/DEVICES.md, "DMA").  Memory
 * is identity-mapped and devices are passed through, so a bus master the
 * guest programs reaches any physical address, hv's frames included.
 * With dma=mediate (the default) hv mediates the IDE bus master of every
 * PCI IDE controller (idepci.c finds them and follows their BAR4,
 * idedma.c checks and shadows each PRD table before the transfer
 * starts) and keeps bus mastering off for every other function but the
 * bridges (busmaster.c); dma=deny keeps it off for the IDE controllers
 * too; dma=iommu (the default where the machine has Intel VT-d) lets the
 * IOMMU keep every device out of hv's memory (iommu.c); dma=trust passes
 * everything through, as before.
 */
#ifndef DEV_DMA_H
#define DEV_DMA_H

#include <stdint.h>

/* dma=: DMA_AUTO (the default) is DMA_IOMMU where a usable IOMMU is, else
   DMA_MEDIATE. */
enum dma_mode { DMA_AUTO = 0, DMA_IOMMU, DMA_MEDIATE, DMA_DENY, DMA_TRUST };

/* What DMA mediation reaches above drivers/ (monitor/dma.c fills it). */
struct dma_hooks {
	/* Does [pa, pa + len) touch memory no device may reach for the
	   guest (hv's frames, hidden device pages)? */
	int (*refused)(uint32_t pa, uint32_t len);
	/* Reads guest-physical memory; nonzero when refused. */
	int (*read)(uint32_t pa, void *buf, uint32_t len);
	/* Ports [lo, hi] changed hands: refresh the I/O bitmaps (and the
	   translations of IN/OUT with an immediate port there). */
	void (*ports_changed)(uint16_t lo, uint16_t hi);
	/* The guest did what hv cannot allow: stop it with this reason. */
	void (*stop)(const char *why);
};
extern struct dma_hooks dma_hooks;

/* Programs the IOMMU, or finds the PCI IDE controllers and mediates their
   bus masters and keeps the others off (call after dma_hooks is filled,
   before the guest runs); map_mmio maps a device page into hv's region.
   -1 (with an error logged) for dma=iommu without a usable IOMMU. */
int dma_init(enum dma_mode mode, int pci_mode, int (*map_mmio)(uint32_t va, uint32_t pa));

/* --- iommu.c: Intel VT-d --- */
#define IOMMU_MAX 4
/* Finds every remapping unit of the DMAR table and checks that hv's
   tables fit: their number, 0 if none, -1 if they cannot be used (*why
   says why). */
int iommu_init(int (*map_mmio)(uint32_t va, uint32_t pa), const char **why);
/* Builds the tables for the memory hv owns now and turns translation on
   (once, after the guest's loader, before the guest runs). */
void iommu_enable(void);
/* The physical page of unit i's registers (the guest must not reach it);
   0 past the last. */
uint32_t iommu_unit_base(int i);
/* Logs (and clears) the units' recorded faults. */
void iommu_poll(void);

/* --- busmaster.c: Bus Master Enable kept off --- */
#define BUSMASTER_MAX 256
/* Filters function bdf (vendor/device id, class register, command register
   as found); write_cmd writes its real command register. */
void busmaster_keep_off(uint16_t bdf, uint32_t id, uint32_t class, uint32_t cmd,
			void (*write_cmd)(uint16_t bdf, uint16_t cmd));
/* How many functions are filtered. */
int busmaster_filtered(void);
/* A configuration read of size bytes at reg of bdf, value v from the bus:
   what the guest sees. */
uint32_t busmaster_read(uint16_t bdf, int reg, int size, uint32_t v);
/* A configuration write the guest makes: the value for the bus. */
uint32_t busmaster_write(uint16_t bdf, int reg, int size, uint32_t v);

/* q35 (00:00.0's id id0): PCIe's ECAM turned off through write_bar, which
   writes PCIEXBAR's low dword (pciexbar: as found); 1 if it was on. */
int busmaster_ecam_off(uint32_t id0, uint32_t pciexbar, void (*write_bar)(uint32_t v));
/* Whether the guest's configuration write of size bytes at reg of bdf
   goes nowhere (the register that would turn ECAM back on). */
int busmaster_write_refused(uint16_t bdf, int reg, int size);

/* --- idepci.c --- */
/* The guest wrote configuration space of bdf (register reg, size bytes),
   on the real bus: follows a moved BAR4 or I/O decode. */
void idepci_config_written(uint16_t bdf, int reg, int size);

/* --- idedma.c: the bus master at BAR4 of one controller --- */
#define IDEDMA_MAX 4
/* Sets up controller i (bdf for the log); base 0: not decoded yet. */
void idedma_add(int i, uint16_t bdf, uint16_t base);
/* Controller i's BAR4 now decodes at base (0: nowhere); onto a port hv
   takes, the guest is stopped. */
void idedma_move(int i, uint16_t base);
/* Channel chn's shadow table, as the controller reads it (the unit test
   looks). */
struct bm_prd;
const struct bm_prd *idedma_shadow(int i, int chn);

#endif
