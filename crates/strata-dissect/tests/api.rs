//! The library API a PyShark user reaches for: open, filter, read fields, walk the tree.

use std::path::Path;
use strata_dissect::Capture;

fn sample(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(name)
}

#[test]
fn filtered_iteration_reads_fields_and_the_tree() {
    // Unfiltered: count the DNS responses by reading a field.
    let mut all = Capture::open(sample("lab-dns.pcap")).unwrap();
    let (mut frames, mut responses) = (0, Vec::new());
    while let Some(f) = all.next_frame().unwrap() {
        frames += 1;
        if f.field("dns.flags.response").as_deref() == Some("1") {
            responses.push(f.number);
        }
    }
    assert!(frames > 20 && !responses.is_empty());
    // Filtered: exactly those frames, numbered as in the capture.
    let mut cap = Capture::open(sample("lab-dns.pcap"))
        .unwrap()
        .display_filter("dns.flags.response == 1")
        .unwrap();
    let mut seen = Vec::new();
    while let Some(f) = cap.next_frame().unwrap() {
        seen.push(f.number);
        let tree = f.tree();
        let names: Vec<&str> = tree.iter().map(|n| n.name).collect();
        assert_eq!(names.first(), Some(&"frame"));
        assert!(names.contains(&"dns"), "{names:?}");
        let dns = tree.iter().find(|n| n.name == "dns").unwrap();
        assert!(dns.title(&f).starts_with("Domain Name System (response)"));
        assert!(dns.fields(&f).iter().any(|(k, _)| *k == "dns.id"));
        // DNS runs over UDP and TCP here: one transport's ports either way.
        let ports = [f.fields("udp.srcport"), f.fields("tcp.srcport")].concat();
        assert_eq!(ports.len(), 1);
    }
    assert_eq!(seen, responses);
    // A bad filter is refused before any packet is read.
    assert!(Capture::open(sample("lab-dns.pcap"))
        .unwrap()
        .display_filter("dns.flags.response ==")
        .is_err());
}

#[test]
fn either_side_fields_list_both_values() {
    let mut cap = Capture::open(sample("lab-web.pcap"))
        .unwrap()
        .display_filter("tcp")
        .unwrap();
    let f = cap.next_frame().unwrap().expect("a TCP frame");
    let ports = f.fields("tcp.port");
    assert_eq!(ports.len(), 2);
    assert_eq!(Some(&ports[0]), f.field("tcp.srcport").as_ref());
}
