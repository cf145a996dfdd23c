//! The process's heap (issue #15): glibc's allocator configured at start, and freed memory
//! handed back to the system instead of kept for later. Settings in the binary, not environment
//! variables an operator would have to know.

use std::time::Duration;

/// Configures glibc's allocator; call first thing in `main`, before any other thread exists.
/// - by default every thread that allocates gets an arena of its own (up to 8 per core), and an
///   arena keeps what it once held: 64 sign-ins landing on 16 blocking threads kept 16 copies of
///   argon2's 19 MiB. Two arenas, one per core of the machine we size for, bound that.
/// - the mmap threshold normally grows to the largest block ever freed, after which blocks of
///   that size come from the arenas and stay there. Fixing it at 128 KiB means large blocks
///   (argon2's memory, PDF and export buffers) are mapped on demand and unmapped when freed.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const ARENAS: libc::c_int = 2;
        const LARGE_BLOCK_BYTES: libc::c_int = 128 * 1024;
        // SAFETY: mallopt only changes allocator parameters; it is called once, before any
        // thread but this one exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, ARENAS);
            libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES);
            libc::mallopt(libc::M_TRIM_THRESHOLD, LARGE_BLOCK_BYTES);
        }
    }
}

/// For a one-shot bulk command (`seed-demo`), after `configure`: large blocks from the arenas
/// again, and freed memory kept until the process exits. The seeder builds and drops ten blocks
/// of rows of tens of megabytes, and its statements bind thousands of values at a time; with the
/// server's settings each of those buffers was mapped, faulted in page by page and unmapped
/// again (issue 15, perf: a sixth of seeding's time in the kernel and the allocator).
pub fn configure_for_bulk_load() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // glibc's largest allowed mmap threshold on 64-bit.
        const LARGE_BLOCK_BYTES: libc::c_int = 32 * 1024 * 1024;
        const KEEP_FREED_BYTES: libc::c_int = 1024 * 1024 * 1024;
        // SAFETY: mallopt only changes allocator parameters (under the allocator's own locks).
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES);
            libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_FREED_BYTES);
        }
    }
}

/// Returns the arenas' free pages to the system. glibc gives back only what is free at the very
/// top of a heap; a burst of requests leaves its freed blocks scattered below live ones, and
/// the resident size stays at the burst's peak. Walking the free lists costs well under a
/// millisecond.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Gives freed memory back every `period` from a thread of its own, so the resident size
/// follows the load down once it is over.
pub fn keep_giving_back(period: Duration) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("heap-trim".into())
        .spawn(move || loop {
            std::thread::sleep(period);
            give_back_freed_memory();
        })
        .map(|_| ())
}
