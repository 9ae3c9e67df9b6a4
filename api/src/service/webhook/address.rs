//! Where webhooks may go: against server-side request forgery, an endpoint may not point
//! at a loopback, private, link-local, shared (CGNAT), multicast or otherwise non-public
//! address unless the operator allows it (`QUIRE_WEBHOOK_ALLOW_PRIVATE`). Checked when an
//! endpoint is registered (its literal address, or what its name resolves to then) and
//! again at every delivery after DNS resolution ([`PublicResolver`]), so a name that
//! later resolves to an inner address is refused too.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    time::Duration,
};

use url::{Host, Url};

use crate::error::{AppError, AppResult};

/// Longest a registration waits for DNS.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64 to any IPv4
}

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn refused(what: &str) -> AppError {
    AppError::bad_input(
        "url",
        format!(
            "{what} is a loopback, private, link-local or otherwise non-public address; \
             the operator may allow such endpoints with QUIRE_WEBHOOK_ALLOW_PRIVATE=1"
        ),
    )
}

/// An endpoint's URL as written: absolute http(s), a host, no credentials, at most
/// 2048 bytes.
pub fn parse(url: &str) -> AppResult<Url> {
    let url = url.trim();
    if url.len() > crate::service::url::MAX_URL {
        return Err(AppError::bad_input("url", "must be at most 2048 bytes"));
    }
    let parsed =
        Url::parse(url).map_err(|e| AppError::bad_input("url", format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(AppError::bad_input("url", "must be an http or https URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AppError::bad_input("url", "must not carry credentials"));
    }
    Ok(parsed)
}

/// The literal address of `url`'s host, or `None` for a name; `localhost` and names
/// under it count as loopback.
pub fn literal(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            (d == "localhost" || d.ends_with(".localhost"))
                .then_some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        }
    }
}

/// Checks an endpoint's URL at registration: parsed, and unless `allow_private`, its
/// literal address or every address its name resolves to now is public. A name that
/// does not resolve yet is accepted (it is checked again at each delivery).
pub async fn check(url: &str, allow_private: bool) -> AppResult<Url> {
    let parsed = parse(url)?;
    if allow_private {
        return Ok(parsed);
    }
    if let Some(ip) = literal(&parsed) {
        if !is_public(ip) {
            return Err(refused(&format!("the host {ip}")));
        }
        return Ok(parsed);
    }
    let host = parsed.host_str().unwrap_or_default().to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    if let Ok(Ok(addrs)) = tokio::time::timeout(
        RESOLVE_TIMEOUT,
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    {
        for a in addrs {
            if !is_public(a.ip()) {
                return Err(refused(&format!("{host} resolves to {}, which", a.ip())));
            }
        }
    }
    Ok(parsed)
}

/// The DNS resolver of the delivery client: the system's, keeping only public addresses
/// (all of them when private ones are allowed). A name with none left fails to
/// connect, with a message saying why.
#[derive(Debug, Clone, Copy)]
pub struct PublicResolver {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if kept.is_empty() {
                let msg = if found.is_empty() {
                    format!("{host} does not resolve")
                } else {
                    format!(
                        "{host} resolves only to non-public addresses ({}); refused (QUIRE_WEBHOOK_ALLOW_PRIVATE)",
                        found
                            .iter()
                            .map(|a| a.ip().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                return Err(msg.into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn inner_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn registration_refuses_inner_hosts() {
        for url in [
            "http://127.0.0.1:9/hook",
            "http://localhost/hook",
            "http://api.localhost/hook",
            "http://[::1]/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::ffff:192.168.0.1]/",
        ] {
            assert!(check(url, false).await.is_err(), "{url}");
            assert!(check(url, true).await.is_ok(), "{url}");
        }
        for url in [
            "ftp://example.com/",
            "http://user:pw@example.com/",
            "/relative",
        ] {
            assert!(check(url, true).await.is_err(), "{url}");
        }
        assert!(check("https://93.184.216.34/hook", false).await.is_ok());
    }
}
