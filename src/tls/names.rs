//! The names a generated certificate carries: the host of the configured public URL, the
//! machine's host name, `localhost`, and the addresses the box listens on (every local
//! address when it listens on all of them). The common name is the first of the public URL's
//! host, the host name, the listening address and `localhost`.
//!
//! The local addresses come from `/proc/net/fib_trie` and `/proc/net/if_inet6` (the box is a
//! Linux machine; no `getifaddrs`, which would need `unsafe`). Link-local IPv6 addresses are
//! left out: they mean nothing without their interface.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub common_name: String,
    /// Host names and addresses (as text), without duplicates, most specific first.
    pub sans: Vec<String>,
}

/// The names of a box that listens on `listen` and is reached at `public_url` (may be empty).
pub fn of_box(listen: IpAddr, public_url: &str) -> Names {
    let hostname = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|h| h.trim().to_ascii_lowercase())
        .find(|h| is_dns_name(h));
    let local = if listen.is_unspecified() {
        let mut all = std::fs::read_to_string("/proc/net/fib_trie")
            .map(|t| ipv4_local(&t))
            .unwrap_or_default();
        if listen.is_ipv6() {
            // `[::]` takes IPv4 too (Linux's default dual stack).
            all.extend(
                std::fs::read_to_string("/proc/net/if_inet6")
                    .map(|t| ipv6_local(&t))
                    .unwrap_or_default(),
            );
        }
        all
    } else {
        vec![listen]
    };
    gather(public_host(public_url), hostname, listen, local)
}

fn gather(
    public: Option<String>,
    hostname: Option<String>,
    listen: IpAddr,
    local: Vec<IpAddr>,
) -> Names {
    let specific = (!listen.is_unspecified()).then(|| listen.to_string());
    let common_name = public
        .clone()
        .or_else(|| hostname.clone())
        .or(specific)
        .unwrap_or_else(|| "localhost".to_owned());
    let loopback = if listen.is_ipv6() && !listen.is_unspecified() {
        IpAddr::V6(Ipv6Addr::LOCALHOST)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    let mut sans: Vec<String> = Vec::new();
    let candidates = public
        .into_iter()
        .chain(hostname)
        .chain(["localhost".to_owned()])
        .chain(local.iter().chain([&loopback]).map(IpAddr::to_string));
    for name in candidates {
        if !sans.contains(&name) {
            sans.push(name);
        }
    }
    Names { common_name, sans }
}

/// The host of `url` (`https://host:port/path`), lower-cased; an IPv6 address without its
/// brackets. `None` when there is none or it is not a usable name.
pub(crate) fn public_host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host_port.split(':').next()?,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<IpAddr>().is_ok() || is_dns_name(&host) {
        Some(host)
    } else {
        None
    }
}

/// Letters, digits, `-` and `.`; at most 253 characters, labels of 1 to 63 (RFC 1035).
fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The machine's own IPv4 addresses in a `/proc/net/fib_trie`: a line `|-- ADDRESS`
/// followed by `/32 host LOCAL`.
fn ipv4_local(fib_trie: &str) -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut last: Option<Ipv4Addr> = None;
    for line in fib_trie.lines() {
        let line = line.trim();
        if let Some(addr) = line.strip_prefix("|-- ") {
            last = addr.parse().ok();
        } else if line == "/32 host LOCAL"
            && let Some(addr) = last.take()
            && !out.contains(&IpAddr::V4(addr))
        {
            out.push(IpAddr::V4(addr));
        }
    }
    out
}

/// The machine's IPv6 addresses in a `/proc/net/if_inet6` (`ADDRESS IFINDEX PREFIX SCOPE
/// FLAGS NAME`, the address as 32 hex digits), link-local ones (scope 20) left out.
fn ipv6_local(if_inet6: &str) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for line in if_inet6.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (Some(hex), Some(scope)) = (fields.first(), fields.get(3)) else {
            continue;
        };
        if *scope == "20" || hex.len() != 32 {
            continue;
        }
        if let Ok(bits) = u128::from_str_radix(hex, 16) {
            let addr = IpAddr::V6(Ipv6Addr::from(bits));
            if !out.contains(&addr) {
                out.push(addr);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIB_TRIE: &str = "Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
     +-- 192.0.2.0/24 2 0 2
           |-- 192.0.2.0
              /24 link UNICAST
           |-- 192.0.2.2
              /32 host LOCAL
Local:
  +-- 0.0.0.0/0 3 0 5
           |-- 192.0.2.2
              /32 host LOCAL
";

    const IF_INET6: &str = "00000000000000000000000000000001 01 80 10 80       lo
fd000000000000000000000000000002 04 40 00 82     eth0
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
";

    #[test]
    fn local_addresses_from_proc() {
        assert_eq!(
            ipv4_local(FIB_TRIE),
            vec![
                "127.0.0.1".parse::<IpAddr>().unwrap(),
                "192.0.2.2".parse().unwrap()
            ]
        );
        assert_eq!(
            ipv6_local(IF_INET6),
            vec!["::1".parse::<IpAddr>().unwrap(), "fd00::2".parse().unwrap()]
        );
    }

    #[test]
    fn host_of_the_public_url() {
        for (url, host) in [
            ("https://Extranet.Cabinet.fr", Some("extranet.cabinet.fr")),
            (
                "https://extranet.cabinet.fr:8443/x?y#z",
                Some("extranet.cabinet.fr"),
            ),
            ("https://user@box.lan/", Some("box.lan")),
            ("https://[2001:db8::1]:8443/", Some("2001:db8::1")),
            ("http://192.0.2.7", Some("192.0.2.7")),
            ("", None),
            ("ftp://box.lan", None),
            ("https://bad_name.lan/", None),
            ("https://-x.lan/", None),
        ] {
            assert_eq!(public_host(url).as_deref(), host, "{url}");
        }
    }

    #[test]
    fn the_box_is_named_by_its_public_host_then_its_host_name() {
        let all: IpAddr = "0.0.0.0".parse().unwrap();
        let lan: IpAddr = "192.0.2.2".parse().unwrap();
        let n = gather(
            Some("extranet.cabinet.fr".into()),
            Some("boitier".into()),
            all,
            vec!["127.0.0.1".parse().unwrap(), lan],
        );
        assert_eq!(n.common_name, "extranet.cabinet.fr");
        assert_eq!(
            n.sans,
            [
                "extranet.cabinet.fr",
                "boitier",
                "localhost",
                "127.0.0.1",
                "192.0.2.2"
            ]
        );

        let n = gather(None, Some("boitier".into()), lan, vec![lan]);
        assert_eq!(n.common_name, "boitier");
        assert_eq!(n.sans, ["boitier", "localhost", "192.0.2.2", "127.0.0.1"]);

        let n = gather(None, None, lan, vec![lan]);
        assert_eq!(n.common_name, "192.0.2.2");
        let n = gather(None, None, all, vec![]);
        assert_eq!(n.common_name, "localhost");
        assert_eq!(n.sans, ["localhost", "127.0.0.1"]);
    }
}
