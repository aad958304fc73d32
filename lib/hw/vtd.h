/*
 * Intel VT-d, the parts hv uses (Intel Virtualization Technology for
 * Directed I/O, Architecture Specification: 8.1-8.3 the DMAR table and
 * its DRHD structures; 9.1-9.3 root and context entries in legacy mode;
 * 9.8 second-level paging entries; 10.4 the remapping unit's registers).
 */
#ifndef HW_VTD_H
#define HW_VTD_H

#include <stdint.h>

/* ACPI DMAR table: header (36 bytes), host address width, flags, 10
   reserved bytes, then remapping structures. */
#define DMAR_STRUCTS		48
#define DMAR_TYPE_DRHD		0
#define DRHD_BASE		8	/* register base address, 64-bit */
#define DRHD_INCLUDE_PCI_ALL	0x01	/* flags, byte 4 */

/* Registers (10.4), offsets in the unit's 4 KiB page. */
#define VTD_VER			0x000
#define VTD_CAP			0x008	/* 64-bit */
#define VTD_ECAP		0x010	/* 64-bit */
#define VTD_GCMD		0x018
#define VTD_GSTS		0x01C
#define VTD_RTADDR		0x020	/* 64-bit */
#define VTD_CCMD		0x028	/* 64-bit */
#define VTD_FSTS		0x034
#define VTD_FECTL		0x038

/* CAP_REG fields. */
#define VTD_CAP_RWBF		(1ull << 4)
#define VTD_CAP_SAGAW(c)	(((c) >> 8) & 0x1F)	/* bit 1: 39-bit, 3 levels */
#define VTD_SAGAW_39		0x2
#define VTD_SAGAW_48		0x4
#define VTD_CAP_FRO(c)		((uint32_t)((c) >> 24) & 0x3FF)	/* x 16 bytes */
#define VTD_CAP_NFR(c)		((uint32_t)((c) >> 40) & 0xFF)	/* records - 1 */
#define VTD_CAP_SLLPS_2M	(1ull << 34)
/* ECAP_REG fields. */
#define VTD_ECAP_C		(1ull << 0)	/* page walks snoop the caches */
#define VTD_ECAP_IRO(e)		((uint32_t)((e) >> 8) & 0x3FF)	/* x 16 bytes */

/* GCMD_REG commands and the matching GSTS_REG status bits. */
#define VTD_GCMD_TE		(1u << 31)
#define VTD_GCMD_SRTP		(1u << 30)
#define VTD_GCMD_WBF		(1u << 27)
#define VTD_GSTS_TES		(1u << 31)
#define VTD_GSTS_RTPS		(1u << 30)
#define VTD_GSTS_WBFS		(1u << 27)
/* Status bits that are not one-shot commands: kept in every GCMD write. */
#define VTD_GSTS_KEEP		0x96FFFFFFu

/* CCMD_REG: invalidate, globally. */
#define VTD_CCMD_ICC		(1ull << 63)
#define VTD_CCMD_GLOBAL		(1ull << 61)
/* IOTLB_REG at ECAP.IRO * 16 + 8: invalidate, globally, draining. */
#define VTD_IOTLB_REG(e)	(VTD_ECAP_IRO(e) * 16 + 8)
#define VTD_IOTLB_IVT		(1ull << 63)
#define VTD_IOTLB_GLOBAL	(1ull << 60)
#define VTD_IOTLB_DR		(1ull << 49)
#define VTD_IOTLB_DW		(1ull << 48)

/* FSTS_REG and the fault recording registers (16 bytes each). */
#define VTD_FSTS_PFO		(1u << 0)
#define VTD_FSTS_PPF		(1u << 1)
#define VTD_FECTL_IM		(1u << 31)
#define VTD_FRCD_F		(1u << 31)	/* in the record's last dword */
#define VTD_FRCD_T		(1u << 30)	/* 1: a read, 0: a write */

/* Root and context entries (128 bits each, 256 per table). */
struct vtd_entry {
	uint64_t lo, hi;
};
#define VTD_PRESENT		1ull
#define VTD_CTX_TT_SL		(0ull << 2)	/* second-level tables only */
#define VTD_CTX_AW_39		1ull		/* hi: 3-level tables */
#define VTD_CTX_AW_48		2ull		/* hi: 4-level tables */
#define VTD_CTX_DID(d)		((uint64_t)(d) << 8)	/* hi */

/* Second-level paging entries (9.8). */
#define VTD_SL_R		(1ull << 0)
#define VTD_SL_W		(1ull << 1)
#define VTD_SL_PS		(1ull << 7)	/* a 2 MiB page in a level-2 entry */

_Static_assert(sizeof(struct vtd_entry) == 16, "VT-d root/context entry");

#endif
