// Package spool is a bounded, crash-safe, on-disk FIFO of records: the
// place where alerts wait for the message broker to acknowledge them.
//
// Records are appended to segment files and fsynced in batches; a reader
// takes them in order and marks them done once they have been delivered,
// and only then are they forgotten. After a crash or a restart, Open reloads
// whatever was not marked done, so nothing delivered is forgotten before its
// delivery and nothing appended is lost unless the disk loses it.
//
// # Format
//
// A directory holds segment files named by a hexadecimal id (the order they
// were created in), a file "acked" with the sequence number of the last
// record delivered, and a lock file. A segment is a run of records:
//
//	magic "PS" | flags u8 | version u8 | length u32 | seq u64 | crc32c u32 | payload
//
// little-endian, the CRC (Castagnoli) covering flags through seq and the
// payload. A record that fails its checks — a write torn by a crash, a
// flipped bit — is skipped and counted; reading resumes at the next valid
// record, never crashes and never returns damaged data. Each run of the
// process appends to a new segment, so a torn tail of the previous run is
// never written after.
//
// # Bounds
//
// The total size of the segment files never exceeds Options.MaxBytes. When
// an append would pass it, the oldest segments are rewritten without their
// delivered records and without their ordinary records, keeping the records
// flagged Keep (for portsnare, the end-of-episode summaries); only when
// nothing but Keep records is left is the new record refused. Whatever is
// dropped is counted and reported to the caller, never silent. The newest
// ordinary records and the oldest Keep records are thus what survives a long
// outage.
//
// # Durability
//
// Append writes a batch with one write and one fsync (group commit): the
// caller is a background goroutine, never the packet path, so the fsync
// costs latency nobody waits for, and it bounds what a power cut can take to
// the batch being written. The "acked" file (12 bytes with their own CRC,
// rewritten in place) is not fsynced: losing an update means records are
// sent again, which the broker's de-duplication absorbs.
package spool
