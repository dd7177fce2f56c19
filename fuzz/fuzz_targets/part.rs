//! Part files from anywhere: reading bytes as a part must never panic, allocate without bound
//! or accept what a run cannot write; a part that reads must merge (alone) without panicking.
//!
//! Seeds: write a real part with `valuecase run --trials-range 0..50 --out DIR` and copy it into
//! `fuzz/corpus/part/`. Run with `cargo +nightly fuzz run part`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use valuecase::engine::shard::{Part, merge};

fuzz_target!(|data: &[u8]| {
    // Half the inputs as they come (the checksum catches nearly every change), half with the
    // checksum made right again, so that mutations reach the header and value checks behind it.
    let mut bytes = data.to_vec();
    if bytes.len() > 4 && bytes[bytes.len() - 1] & 1 == 1 {
        let n = bytes.len() - 4;
        let crc = crc32fast::hash(&bytes[..n]);
        bytes[n..].copy_from_slice(&crc.to_le_bytes());
    }
    let Ok(part) = Part::read_from(&mut &bytes[..]) else {
        return;
    };
    // What was accepted holds only values a run writes.
    let rows = part.table.rows;
    assert_eq!(part.table.data.len(), rows * part.table.width);
    assert!(part.table.column(0).iter().all(|v| v.is_finite()));
    let _ = merge(vec![part], &["fuzzed.vcpart".to_string()]);
});
