//! The `leftover` binary: everything happens in `leftover::cli`.

fn main() -> std::process::ExitCode {
    leftover::cli::main(allocator::tune)
}

/// glibc's allocator, set for a command that lists AWS before any thread starts. By default
/// glibc lets up to eight heaps (arenas) per core grow, a thread taking a new one whenever the
/// one it used is busy, and keeps what is freed in each for reuse; it also raises the size
/// above which a block gets pages of its own to the largest block freed so far. A scan frees
/// large answers (a megabyte or more of XML each) on one runtime worker while another builds
/// the next, so the heaps and the kept blocks held a third more than the scan needed at once
/// (`docs/performance.md`). As many heaps as the runtime has workers, and blocks from 128 KiB
/// up on pages of their own that go back to the system when freed, keep a 6,000-resource
/// live scan under 50 MB. Fewer heaps than workers would cost time: answers that arrive
/// together are deserialized on every worker at once, and workers sharing a heap wait on its
/// lock (one heap on two cores: a fifth more wall time with 50 ms per call). Commands that
/// only read files keep glibc's defaults.
///
/// A user's own settings win: with `GLIBC_TUNABLES` or glibc's `MALLOC_*` variables in the
/// environment the allocator is left as they say.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod allocator {
    use leftover::cli::Workload;

    const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

    fn set_by_user() -> bool {
        std::env::vars_os().any(|(name, _)| {
            let name = name.to_string_lossy();
            name == "GLIBC_TUNABLES" || (name.starts_with("MALLOC_") && name != "MALLOC_CHECK_")
        })
    }

    #[expect(unsafe_code, reason = "mallopt is glibc's only interface to these settings")]
    pub fn tune(workload: Workload) {
        if workload != Workload::ListsAws || set_by_user() {
            return;
        }
        // One heap per runtime worker: the runtime starts one per core it may use.
        let heaps = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let heaps = libc::c_int::try_from(heaps).unwrap_or(libc::c_int::MAX);
        // SAFETY: `mallopt` takes two integers and changes only the allocator's parameters,
        // which glibc reads under its own locks; no other thread exists yet. A value glibc
        // refuses leaves its default in place, which is harmless, so the result is ignored.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, heaps);
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            libc::mallopt(libc::M_TRIM_THRESHOLD, MMAP_THRESHOLD);
        }
    }
}

/// Other allocators are left as they are.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod allocator {
    pub fn tune(_: leftover::cli::Workload) {}
}
