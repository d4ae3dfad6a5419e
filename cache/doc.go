// Package cache is xcheck's on-disk result cache: a directory of entries
// named by content keys, which any number of xcheck processes read and
// write at once.
//
// # Where
//
// Dir returns the cache directory: $XCHECK_CACHE, else
// os.UserCacheDir()/xcheck; XCHECK_CACHE=off turns every cache off. The
// port tables of package matrix live in its ports/ subdirectory, the
// entries of this package in results/:
//
//	results/run/ab/ab12...ef      the report of a whole `xcheck check` run
//	results/target/cd/cd34...01   what the loader reuses of one target's dependencies
//	results/list/ef/ef56...23     the package list (go list) of one target
//	results/trim.txt              when the cache was last trimmed
//
// # Keys
//
// A Key is the SHA-256 of everything an entry depends on, built with Hash
// (labelled, length-prefixed values, so that different inputs never
// collide by concatenation). What goes into each key is the caller's
// business (docs/cache.md lists it); this package provides the pieces:
// SelfID, the build ID of the running xcheck executable (so that another
// xcheck never reads results it did not compute); HashTree, the digest of
// a module's files by content, and HashTreeHeaders, of what the go command
// reads of them to list packages; and Stamp, the stat identity of a file or
// directory outside the module (a compiler, a sysroot directory), too
// large to hash on every run.
//
// # Safety
//
// An entry is a fixed header (magic, format version, key, payload size,
// SHA-256 of the payload) and the payload. Put writes it to a temporary
// file in the entry's directory and renames it into place: readers see
// the old entry or the new one, never a mix, and concurrent writers of
// one key (two CI jobs, two terminals) each replace it whole. Get checks
// every field of the header and the checksum; an entry that fails (a
// truncated write after a crash, a full disk, a stray edit) is removed
// and reported as a *CorruptError, and the caller computes the result
// again. Entries are not synced to disk: after a crash, the checksum
// catches what was lost.
//
// Nothing here is allowed to break a run: Open fails when the directory
// cannot be created, Put when it cannot be written (read-only, full), Get
// when an entry is unreadable; callers then go on without the cache.
//
// # Size
//
// Get refreshes an entry's modification time (at most once an hour), so
// the modification time is its last use. Once a day, Put trims the cache:
// it removes the entries unused for DefaultMaxAge (7 days), then, while
// the entries take more than DefaultMaxSize (1 GiB), the least recently
// used ones, and the temporary files of crashed writers. `xcheck cache
// clean` removes everything, or with --older-than what was not used for
// a while.
package cache
