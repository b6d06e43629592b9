//! `strata interfaces` and the live sources of `-i IFACE|auto`.

use clap::Args as ClapArgs;
use std::process::ExitCode;
use strata_capture::PacketSource;

#[derive(ClapArgs)]
pub struct Args {}

pub fn run(_a: Args) -> Result<ExitCode, String> {
    Err("interfaces: live capture is being wired in".into())
}

pub fn open_live(
    _iface: &str,
    _snaplen: u32,
    _promisc: bool,
    _filter: Option<&str>,
    _autostop: Option<&str>,
) -> Result<Box<dyn PacketSource>, String> {
    Err("live capture is being wired in".into())
}
