/*
 * hvboot: loading and starting a Multiboot (v1) kernel from UEFI.
 *
 * Follows the Multiboot specification 0.6.96: the header (3.1: in the first
 * 8 KiB, 4-aligned, magic + flags + checksum = 0; an unknown requirement
 * bit in flags 0-15 makes the loader refuse), the ELF path of 3.1.3
 * (segments loaded at their physical addresses), the information block
 * (3.3) and the machine state (3.2).  From UEFI 2.10: the file system
 * protocols (13.4, 13.5), AllocatePages/GetMemoryMap/ExitBootServices
 * (7.2, 7.4) and the memory-type table "Memory Type Usage after
 * ExitBootServices()" (7.2), which decides each Multiboot map type.
 *
 * Where things go.  Every buffer hvboot needs after ExitBootServices() (the
 * kernel's file, the modules, the information block, the trampoline page)
 * comes from AllocatePages() below 4 GiB, so the firmware never hands the
 * same memory out twice.  The kernel's segments are not loaded where they
 * belong until boot services are gone: their ranges may hold the
 * firmware's boot-services data (free once it has exited), so before the
 * exit hvboot only checks that each range is RAM that will be free,
 * allocates the parts that are free already, and makes sure none of its
 * own buffers is inside; the trampoline copies the segments in after the
 * exit, with paging off.
 */
#include "hvboot.h"
#include "lib/elf.h"

#define MAX_ALLOCS	96
#define LOADER_NAME	"hvboot (UEFI, GNU-EFI)"

/* A segment copy the trampoline makes (PLAN_SEGS). */
struct seg {
	UINT32 dst, src, filesz, memsz;
};

struct alloc {
	EFI_PHYSICAL_ADDRESS addr;
	UINTN pages;
	int dest;		/* part of a kernel segment's range */
};

static EFI_FILE_HANDLE root;
static struct alloc allocs[MAX_ALLOCS];
static unsigned nallocs;

extern char tramp_start[], tramp_code32[], tramp_end[];

/* --- memory ------------------------------------------------------------- */

static void track(EFI_PHYSICAL_ADDRESS a, UINTN pages, int dest)
{
	if (nallocs < MAX_ALLOCS) {
		allocs[nallocs].addr = a;
		allocs[nallocs].pages = pages;
		allocs[nallocs].dest = dest;
		nallocs++;
	}
}

static void free_all(void)
{
	while (nallocs) {
		nallocs--;
		BS->FreePages(allocs[nallocs].addr, allocs[nallocs].pages);
	}
}

/* The firmware's memory map in a fresh pool buffer (free with FreePool). */
static EFI_MEMORY_DESCRIPTOR *memory_map(UINTN *size, UINTN *dsize, UINTN *key)
{
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	UINT32 dver;
	EFI_STATUS st;

	*size = 0;
	st = BS->GetMemoryMap(size, NULL, key, dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return NULL;
	*size += 8 * *dsize;
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, *size, (void **)&map)))
		return NULL;
	st = BS->GetMemoryMap(size, map, key, dsize, &dver);
	if (EFI_ERROR(st)) {
		BS->FreePool(map);
		return NULL;
	}
	return map;
}


/* Pages below 4 GiB for `bytes` bytes: 0, or -1 after err(). */
static int alloc_low(UINT64 bytes, const char *what, EFI_PHYSICAL_ADDRESS *out)
{
	UINTN pages = (UINTN)((bytes + PAGE - 1) / PAGE);
	EFI_PHYSICAL_ADDRESS a = BELOW_4G;
	EFI_STATUS st;

	if (!pages)
		pages = 1;
	if (nallocs == MAX_ALLOCS) {
		err("too many buffers (more than %u)", MAX_ALLOCS);
		return -1;
	}
	st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, pages, &a);
	if (EFI_ERROR(st)) {
		err("too little memory below 4 GiB: no room for %s (%lu KiB): %s",
		    what, (UINT64)pages * 4, efi_strerror(st));
		return -1;
	}
	track(a, pages, 0);
	*out = a;
	return 0;
}


/*
 * Pages for `bytes` bytes in the lowest free RAM at or above `lowest`, as
 * GRUB and QEMU place modules just above the kernel (hv moves itself to
 * the top of RAM and expects modules out of the way); high memory below
 * 4 GiB when there is no such place.
 */
static int alloc_above(UINT64 bytes, UINT64 lowest, const char *what,
		       EFI_PHYSICAL_ADDRESS *out)
{
	UINT64 len = (bytes + PAGE - 1) & ~(PAGE - 1);
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN size, dsize, key;
	UINT64 best = 0;

	if (!len)
		len = PAGE;
	lowest = (lowest + PAGE - 1) & ~(PAGE - 1);
	map = memory_map(&size, &dsize, &key);
	if (map) {
		for (UINTN i = 0; i < size / dsize; i++) {
			EFI_MEMORY_DESCRIPTOR *d = DESC(map, i, dsize);
			UINT64 s = d->PhysicalStart, e = s + d->NumberOfPages * PAGE;

			if (d->Type != EfiConventionalMemory)
				continue;
			if (s < lowest)
				s = lowest;
			if (s + len > e || s + len > BELOW_4G + 1)
				continue;
			if (!best || s < best)
				best = s;
		}
		BS->FreePool(map);
	}
	if (best && nallocs < MAX_ALLOCS) {
		EFI_PHYSICAL_ADDRESS a = best;

		if (!EFI_ERROR(BS->AllocatePages(AllocateAddress, EfiLoaderData,
						 (UINTN)(len / PAGE), &a))) {
			track(a, (UINTN)(len / PAGE), 0);
			*out = a;
			return 0;
		}
	}
	return alloc_low(bytes, what, out);
}

/*
 * Claims the range a kernel segment loads to: every page must be RAM that
 * is free once boot services exit; the parts free now are allocated (so
 * nothing else lands there), the parts boot services use are left to them.
 */
static int claim_range(const char *path, UINT64 lo, UINT64 hi)
{
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN size, dsize, key;
	UINT64 covered = 0;

	lo &= ~(PAGE - 1);
	hi = (hi + PAGE - 1) & ~(PAGE - 1);
	map = memory_map(&size, &dsize, &key);
	if (!map) {
		err("cannot read the firmware's memory map");
		return -1;
	}
	for (UINTN i = 0; i < size / dsize; i++) {
		EFI_MEMORY_DESCRIPTOR *d = DESC(map, i, dsize);
		UINT64 s = d->PhysicalStart, e = s + d->NumberOfPages * PAGE;
		UINT64 a = s > lo ? s : lo, b = e < hi ? e : hi;

		if (a >= b)
			continue;
		switch (d->Type) {
		case EfiConventionalMemory: {
			EFI_PHYSICAL_ADDRESS p = a;
			EFI_STATUS st = BS->AllocatePages(AllocateAddress, EfiLoaderData,
							  (UINTN)((b - a) / PAGE), &p);
			if (EFI_ERROR(st)) {
				err("%s loads at 0x%08lx-0x%08lx: cannot claim 0x%08lx-0x%08lx: %s",
				    path, lo, hi, a, b, efi_strerror(st));
				BS->FreePool(map);
				return -1;
			}
			track(p, (UINTN)((b - a) / PAGE), 1);
			break;
		}
		case EfiBootServicesCode:
		case EfiBootServicesData:
			break;
		case EfiLoaderCode:
		case EfiLoaderData:
			err("%s loads at 0x%08lx-0x%08lx, where the firmware put hvboot "
			    "itself (0x%08lx-0x%08lx)", path, lo, hi, a, b);
			BS->FreePool(map);
			return -1;
		default:
			err("too little memory below 4 GiB: %s loads at 0x%08lx-0x%08lx, "
			    "but 0x%08lx-0x%08lx is %s", path, lo, hi, a, b,
			    efi_type_name(d->Type));
			BS->FreePool(map);
			return -1;
		}
		covered += b - a;
	}
	if (covered != hi - lo) {
		err("too little memory below 4 GiB: %s loads at 0x%08lx-0x%08lx, "
		    "which is not all RAM (this machine has %lu KiB usable below 4 GiB)",
		    path, lo, hi, usable_below_4g(map, size, dsize));
		BS->FreePool(map);
		return -1;
	}
	BS->FreePool(map);
	return 0;
}

/* --- files ---------------------------------------------------------------- */

static void to_wide(CHAR16 *w, UINTN cap, const char *path)
{
	UINTN n = 0;

	for (; *path && n + 1 < cap; path++)
		w[n++] = *path == '/' ? L'\\' : (CHAR16)(unsigned char)*path;
	w[n] = 0;
}

static int open_file(const char *path, EFI_FILE_HANDLE *fh, UINT64 *size)
{
	EFI_GUID info_id = EFI_FILE_INFO_ID;
	UINT64 ibuf[(SIZE_OF_EFI_FILE_INFO + 1024) / 8];
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)ibuf;
	UINTN isize = sizeof(ibuf);
	CHAR16 w[CFG_LINE];
	EFI_STATUS st;

	to_wide(w, CFG_LINE, path);
	st = root->Open(root, fh, w, EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND) {
		err("file not found: %s (on the boot partition)", path);
		return -1;
	}
	if (EFI_ERROR(st)) {
		err("cannot open %s: %s", path, efi_strerror(st));
		return -1;
	}
	st = (*fh)->GetInfo(*fh, &info_id, &isize, info);
	if (EFI_ERROR(st)) {
		err("cannot read the size of %s: %s", path, efi_strerror(st));
		(*fh)->Close(*fh);
		return -1;
	}
	if (info->Attribute & EFI_FILE_DIRECTORY) {
		err("%s is a directory, not a file", path);
		(*fh)->Close(*fh);
		return -1;
	}
	*size = info->FileSize;
	return 0;
}

static int read_all(EFI_FILE_HANDLE fh, const char *path, void *buf, UINT64 size)
{
	UINT64 done = 0;

	while (done < size) {
		UINTN n = size - done > (4u << 20) ? (4u << 20) : (UINTN)(size - done);
		EFI_STATUS st = fh->Read(fh, &n, (UINT8 *)buf + done);

		if (EFI_ERROR(st)) {
			err("cannot read %s: %s", path, efi_strerror(st));
			return -1;
		}
		if (!n) {
			err("cannot read %s: it ends after %lu of %lu bytes", path, done, size);
			return -1;
		}
		done += n;
	}
	return 0;
}

/* Reads a file into pages below 4 GiB: high, or the lowest free ones at or
 * above `lowest` when it is not 0. */
static int load_file(const char *path, UINT64 lowest, EFI_PHYSICAL_ADDRESS *addr,
		     UINT64 *size)
{
	EFI_FILE_HANDLE fh;
	int r;

	if (open_file(path, &fh, size))
		return -1;
	if (*size >= BELOW_4G) {
		err("too little memory below 4 GiB: %s is %lu bytes", path, *size);
		fh->Close(fh);
		return -1;
	}
	r = lowest ? alloc_above(*size, lowest, path, addr) : alloc_low(*size, path, addr);
	if (!r)
		r = read_all(fh, path, (void *)(UINTN)*addr, *size);
	fh->Close(fh);
	return r;
}

int load_text(const char *path, char **text, UINTN *size)
{
	EFI_FILE_HANDLE fh;
	UINT64 sz;
	int r;

	if (open_file(path, &fh, &sz))
		return -1;
	if (sz > (1u << 20)) {
		err("%s is too large for a configuration file (%lu bytes)", path, sz);
		fh->Close(fh);
		return -1;
	}
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, sz + 1, (void **)text))) {
		err("out of memory reading %s", path);
		fh->Close(fh);
		return -1;
	}
	r = read_all(fh, path, *text, sz);
	fh->Close(fh);
	(*text)[sz] = '\0';
	*size = (UINTN)sz;
	return r;
}

int load_init(EFI_HANDLE image, char *cfgpath, UINTN cap)
{
	EFI_GUID li_id = LOADED_IMAGE_PROTOCOL, fs_id = SIMPLE_FILE_SYSTEM_PROTOCOL;
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_DEVICE_PATH *dp;
	UINTN n = 0, slash = 0;
	EFI_STATUS st;

	st = BS->HandleProtocol(image, &li_id, (void **)&li);
	if (EFI_ERROR(st)) {
		err("no loaded-image protocol: %s", efi_strerror(st));
		return -1;
	}
	st = BS->HandleProtocol(li->DeviceHandle, &fs_id, (void **)&fs);
	if (EFI_ERROR(st)) {
		err("the partition hvboot was loaded from has no file system: %s",
		    efi_strerror(st));
		return -1;
	}
	st = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(st)) {
		err("cannot open the boot partition: %s", efi_strerror(st));
		return -1;
	}

	/* hvboot.cfg lives beside hvboot's own image (its file-path nodes). */
	for (dp = li->FilePath; dp && !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		const CHAR16 *s;

		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		s = ((FILEPATH_DEVICE_PATH *)dp)->PathName;
		if (n && cfgpath[n - 1] != '/' && *s != L'\\' && n + 1 < cap)
			cfgpath[n++] = '/';
		for (; *s && n + 1 < cap; s++)
			cfgpath[n++] = *s == L'\\' ? '/' : (char)*s;
	}
	cfgpath[n] = '\0';
	for (UINTN i = 0; i < n; i++)
		if (cfgpath[i] == '/')
			slash = i + 1;
	if (!slash)
		strcpy_cap(cfgpath, "/EFI/BOOT/", cap);
	else
		cfgpath[slash] = '\0';
	if (cfgpath[0] != '/') {
		memmove(cfgpath + 1, cfgpath, strlen(cfgpath) + 1);
		cfgpath[0] = '/';
	}
	n = strlen(cfgpath);
	strcpy_cap(cfgpath + n, "hvboot.cfg", cap - n);
	return 0;
}

/* --- the kernel ----------------------------------------------------------- */

/*
 * Checks a Multiboot ELF kernel in memory and fills `segs` (sources are
 * addresses in the file buffer) and the physical entry point.
 */
static int check_kernel(const char *path, const UINT8 *buf, UINT64 size,
			struct seg *segs, UINT32 *nsegs, UINT32 *entry)
{
	const struct elf32_ehdr *eh = (const void *)buf;
	const struct elf32_phdr *ph;
	const struct multiboot_header *mh = NULL;
	UINT32 n = 0, entry_set = 0;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4)) {
		err("%s: bad ELF: not an ELF file%s", path,
		    size < sizeof(*eh) ? " (too short)" : "");
		return -1;
	}
	if (eh->ident[4] != 1 || eh->ident[5] != 1) {
		err("%s: bad ELF: not a 32-bit little-endian ELF (class %u); "
		    "hv is an i386 Multiboot kernel", path, eh->ident[4]);
		return -1;
	}
	if (eh->machine != EM_386 || eh->type != ET_EXEC) {
		err("%s: bad ELF: machine %u, type %u (want i386 = 3, executable = 2)",
		    path, eh->machine, eh->type);
		return -1;
	}
	if (eh->phentsize != sizeof(*ph) || !eh->phnum ||
	    (UINT64)eh->phoff + (UINT64)eh->phnum * sizeof(*ph) > size) {
		err("%s: bad ELF: its program header table is missing or past the "
		    "end of the file (%lu bytes)", path, size);
		return -1;
	}

	for (UINT64 off = 0; off + 12 <= size && off < MULTIBOOT_SEARCH; off += 4) {
		const struct multiboot_header *h = (const void *)(buf + off);

		if (h->magic == MULTIBOOT_HEADER_MAGIC &&
		    (UINT32)(h->magic + h->flags + h->checksum) == 0) {
			mh = h;
			break;
		}
	}
	if (!mh) {
		err("%s: not a Multiboot kernel: no Multiboot header in its first %u bytes",
		    path, MULTIBOOT_SEARCH);
		return -1;
	}
	if (mh->flags & MULTIBOOT_VIDEO_MODE) {
		err("%s asks for a video mode (Multiboot flag 2): hvboot sets none", path);
		return -1;
	}
	if (mh->flags & 0xfff8) {
		err("%s: its Multiboot header requires features hvboot does not know "
		    "(flags 0x%x)", path, mh->flags);
		return -1;
	}
	if (mh->flags & MULTIBOOT_AOUT_KLUDGE) {
		err("%s uses the Multiboot a.out kludge (flag 16): hvboot loads only "
		    "ELF segments", path);
		return -1;
	}

	ph = (const void *)(buf + eh->phoff);
	for (UINT32 i = 0; i < eh->phnum; i++, ph++) {
		if (ph->type != PT_LOAD || !ph->memsz)
			continue;
		if (ph->filesz > ph->memsz ||
		    (UINT64)ph->offset + ph->filesz > size) {
			err("%s: bad ELF: segment %u (0x%x bytes at file offset 0x%x) runs "
			    "past the end of the file (0x%lx bytes): truncated?", path, i,
			    ph->filesz, ph->offset, size);
			return -1;
		}
		if ((UINT64)ph->paddr + ph->memsz > BELOW_4G + 1) {
			err("too little memory below 4 GiB: %s: segment %u loads at "
			    "0x%08x and ends past 4 GiB", path, i, ph->paddr);
			return -1;
		}
		if (n == PLAN_MAX_SEGS) {
			err("%s: more than %u loadable segments", path, PLAN_MAX_SEGS);
			return -1;
		}
		for (UINT32 j = 0; j < n; j++) {
			if (ph->paddr < segs[j].dst + segs[j].memsz &&
			    segs[j].dst < ph->paddr + ph->memsz) {
				err("%s: bad ELF: segments overlap at 0x%08x", path, ph->paddr);
				return -1;
			}
		}
		segs[n].dst = ph->paddr;
		segs[n].src = (UINT32)((UINTN)buf + ph->offset);
		segs[n].filesz = ph->filesz;
		segs[n].memsz = ph->memsz;
		n++;
		/* The entry is a virtual address; GRUB, like hvboot, maps it to
		 * the physical one through the segment that holds it. */
		if (!entry_set && eh->entry >= ph->vaddr &&
		    eh->entry - ph->vaddr < ph->memsz) {
			*entry = eh->entry - ph->vaddr + ph->paddr;
			entry_set = 1;
		}
	}
	if (!n) {
		err("%s: bad ELF: nothing to load (no PT_LOAD segment)", path);
		return -1;
	}
	if (!entry_set) {
		err("%s: bad ELF: entry point 0x%08x is in no loadable segment",
		    path, eh->entry);
		return -1;
	}
	*nsegs = n;
	return 0;
}

/* --- the Multiboot information -------------------------------------------- */

/* Appends "path args" at *p; returns its address. */
/* --- booting -------------------------------------------------------------- */

static int overlaps(UINT64 a, UINT64 alen, UINT64 b, UINT64 blen)
{
	return a < b + blen && b < a + alen;
}

void load_boot(EFI_HANDLE image, const struct cfg_entry *e)
{
	EFI_PHYSICAL_ADDRESS kaddr, info, plan;
	UINT64 ksize, info_size;
	struct seg segs[PLAN_MAX_SEGS];
	UINT32 nsegs = 0, entry = 0, max_mmap;
	multiboot_info_t *mbi;
	multiboot_module_t *mods;
	multiboot_memory_map_t *mmap;
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN msize, mcap, dsize, key, tramp_len;
	char *p;
	UINT8 *pp;
	EFI_STATUS st;

	nallocs = 0;
	say("hvboot: loading %s\n", e->kernel.path);
	if (load_file(e->kernel.path, 0, &kaddr, &ksize) ||
	    check_kernel(e->kernel.path, (const UINT8 *)(UINTN)kaddr, ksize,
			 segs, &nsegs, &entry))
		goto fail;
	for (UINT32 i = 0; i < nsegs; i++)
		if (claim_range(e->kernel.path, segs[i].dst,
				(UINT64)segs[i].dst + segs[i].memsz))
			goto fail;

	/* Modules and the information block go just above the kernel. */
	EFI_PHYSICAL_ADDRESS maddr[CFG_MAX_MODULES];
	UINT64 msz[CFG_MAX_MODULES], low = 0;
	for (UINT32 i = 0; i < nsegs; i++)
		if ((UINT64)segs[i].dst + segs[i].memsz > low)
			low = (UINT64)segs[i].dst + segs[i].memsz;
	for (unsigned i = 0; i < e->nmods; i++) {
		say("hvboot: loading %s\n", e->mods[i].path);
		if (load_file(e->mods[i].path, low, &maddr[i], &msz[i]))
			goto fail;
		if (maddr[i] + msz[i] > low)
			low = maddr[i] + msz[i];
	}

	/* The information block: header, module list, command lines, loader
	 * name, then room for the memory map (the map grows a little with
	 * every allocation until the exit, hence the spare entries). */
	map = memory_map(&msize, &dsize, &key);
	if (!map) {
		err("cannot read the firmware's memory map");
		goto fail;
	}
	BS->FreePool(map);
	max_mmap = (UINT32)(msize / dsize) + 64;
	info_size = sizeof(*mbi) + e->nmods * sizeof(*mods) +
		(1 + e->nmods) * CMDLINE_MAX + sizeof(LOADER_NAME) + 16 +
		max_mmap * sizeof(*mmap);
	if (alloc_above(info_size, low, "the Multiboot information", &info))
		goto fail;
	/* The UEFI map for the exit, below 4 GiB like the rest (any place
	 * would do: it is read only before the exit). */
	mcap = (max_mmap + 64) * dsize;
	EFI_PHYSICAL_ADDRESS mapbuf;
	if (alloc_low(mcap, "the memory map", &mapbuf))
		goto fail;
	map = (EFI_MEMORY_DESCRIPTOR *)(UINTN)mapbuf;
	if (alloc_low(PLAN_PAGES * PAGE, "the trampoline", &plan))
		goto fail;

	memset((void *)(UINTN)info, 0, (UINTN)info_size);
	mbi = (multiboot_info_t *)(UINTN)info;
	mods = (multiboot_module_t *)(mbi + 1);
	p = (char *)(mods + e->nmods);
	mbi->flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE |
		MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MEM_MAP |
		MULTIBOOT_INFO_BOOT_LOADER_NAME;
	mbi->cmdline = put_kernel_cmdline(&p, &e->kernel, (const UINT8 *)(UINTN)kaddr, ksize);
	mbi->mods_count = e->nmods;
	mbi->mods_addr = (UINT32)(UINTN)mods;
	for (unsigned i = 0; i < e->nmods; i++) {
		mods[i].mod_start = (UINT32)maddr[i];
		mods[i].mod_end = (UINT32)(maddr[i] + msz[i]);
		mods[i].cmdline = put_cmdline(&p, &e->mods[i]);
	}
	memcpy(p, LOADER_NAME, sizeof(LOADER_NAME));
	mbi->boot_loader_name = (UINT32)(UINTN)p;
	p += sizeof(LOADER_NAME);
	mmap = (multiboot_memory_map_t *)(((UINTN)p + 7) & ~(UINTN)7);
	mbi->mmap_addr = (UINT32)(UINTN)mmap;

	/* None of hvboot's buffers may sit where the segments go. */
	for (unsigned i = 0; i < nallocs; i++) {
		if (allocs[i].dest)
			continue;
		for (UINT32 j = 0; j < nsegs; j++) {
			if (overlaps(allocs[i].addr, allocs[i].pages * PAGE,
				     segs[j].dst, segs[j].memsz)) {
				err("%s loads at 0x%08x-0x%08x, where the firmware gave "
				    "hvboot a buffer (0x%08lx): try fewer or smaller modules",
				    e->kernel.path, segs[j].dst, segs[j].dst + segs[j].memsz,
				    allocs[i].addr);
				goto fail;
			}
		}
	}

	/* The trampoline page: parameters, GDT, code; the stack above. */
	pp = (UINT8 *)(UINTN)plan;
	memset(pp, 0, PLAN_PAGES * PAGE);
	tramp_len = (UINTN)(tramp_end - tramp_start);
	if (PLAN_CODE + tramp_len > PAGE) {
		err("internal: trampoline too large");
		goto fail;
	}
	memcpy(pp + PLAN_CODE, tramp_start, tramp_len);
	{
		UINT64 *gdt = (UINT64 *)(pp + PLAN_GDT);
		UINT64 gdt_base = plan + PLAN_GDT;

		gdt[0] = 0;
		gdt[1] = 0x00CF9A000000FFFFull;	/* 0x08: code, flat 4 GiB, 32-bit */
		gdt[2] = 0x00CF92000000FFFFull;	/* 0x10: data, flat 4 GiB, 32-bit */
		*(UINT16 *)(pp + PLAN_GDTR) = 3 * 8 - 1;
		memcpy(pp + PLAN_GDTR + 2, &gdt_base, 8);
	}
	*(UINT32 *)(pp + PLAN_CODE32) =
		(UINT32)(plan + PLAN_CODE + (UINTN)(tramp_code32 - tramp_start));
	*(UINT64 *)(pp + PLAN_STACK) = plan + PLAN_PAGES * PAGE;
	*(UINT32 *)(pp + PLAN_ENTRY) = entry;
	*(UINT32 *)(pp + PLAN_MBI) = (UINT32)info;
	*(UINT32 *)(pp + PLAN_NSEG) = nsegs;
	memcpy(pp + PLAN_SEGS, segs, nsegs * sizeof(segs[0]));

	say("hvboot: starting %s (entry 0x%08x, %u module%s, serial echo %s)\n",
	    e->kernel.path, entry, e->nmods, e->nmods == 1 ? "" : "s",
	    con_serial_state());

	/* From here to the exit nothing may allocate memory: printing could.
	 * A refused exit (the map changed under us) is retried with a fresh
	 * map, as UEFI 7.4 describes; after one, boot services may be half
	 * gone, so a final failure can only halt. */
	for (int tries = 0; tries < 8; tries++) {
		UINT32 dver, n;

		msize = mcap;
		st = BS->GetMemoryMap(&msize, map, &key, &dsize, &dver);
		if (EFI_ERROR(st)) {
			if (!tries) {
				err("cannot read the firmware's memory map: %s",
				    efi_strerror(st));
				goto fail;
			}
			break;
		}
		n = convert_map(map, msize, dsize, mmap, max_mmap);
		mbi->mmap_length = n * sizeof(*mmap);
		set_memory(mbi, mmap, n);
		st = BS->ExitBootServices(image, key);
		if (!EFI_ERROR(st)) {
			((void (*)(UINT64))(UINTN)(plan + PLAN_CODE))(plan);
			break;
		}
	}
	for (;;)
		__asm__ volatile("cli; hlt");
fail:
	free_all();
}
