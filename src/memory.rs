//! The allocator of the `sovcost` binary: the system allocator, with large
//! blocks (a design matrix, per-row vectors) marked for transparent huge
//! pages on Linux.
//!
//! The first write to fresh memory costs a page fault per page. With 4 KB
//! pages a 5M x 11 design (440 MB) takes about 110,000 faults; with 2 MB
//! pages about 220. On Linux kernels whose transparent huge pages are on
//! request only (`madvise` mode, a common default) the request is made here
//! with `madvise(MADV_HUGEPAGE)`. Contents never change; where the kernel
//! has no huge pages the request is ignored.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks from this size on are marked.
const LARGE: usize = 4 << 20;

/// The system allocator, marking large blocks for huge pages.
pub struct HugePageAllocator;

/// Marks the whole pages inside `[ptr, ptr + size)`.
fn advise(ptr: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if size >= LARGE && !ptr.is_null() {
        const PAGE: usize = 4096;
        let from = (ptr as usize).next_multiple_of(PAGE);
        let to = (ptr as usize + size) & !(PAGE - 1);
        if to > from {
            // SAFETY: the range lies inside a block this allocator just
            // returned and is page-aligned; MADV_HUGEPAGE changes how pages
            // are backed, never their contents, and its failure is harmless.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, size, LARGE);
}

// SAFETY: every call is forwarded to the system allocator with the same
// arguments; `advise` only adds a hint on memory the block owns.
unsafe impl GlobalAlloc for HugePageAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc_zeroed(layout);
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = System.realloc(ptr, layout, new_size);
        advise(new, new_size);
        new
    }
}
