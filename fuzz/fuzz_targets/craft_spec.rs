//! Craft specs (Scapy's syntax): any text must parse or be refused with an error, never
//! panic; each packet of a parsed spec must build and `show()` or be refused, and
//! `craft_spec` (the fast path) must give the same bytes as building the parsed packets.
//! Input: the spec text. Specs expanding to more than 64 packets are only parsed (networks
//! and ranges legitimately expand to up to `MAX_PACKETS`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(packets) = strata_craft::parse_spec(spec) else {
        let _ = strata_craft::craft_spec(spec);
        return;
    };
    if packets.len() > 64 {
        return;
    }
    let built: Vec<Option<Vec<u8>>> = packets.iter().map(|p| p.build().ok()).collect();
    for p in &packets {
        let _ = p.show();
    }
    if let Ok(fast) = strata_craft::craft_spec(spec) {
        let slow: Vec<Vec<u8>> = built.into_iter().flatten().collect();
        assert_eq!(fast, slow, "craft_spec and build differ for {spec:?}");
    }
});
