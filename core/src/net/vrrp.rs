//! VRRP: which balancer of the pair holds the floating address.
//!
//! The scaled-up design's two balancers share one public address (the
//! site's A record, `8.8.8.8`). The one in the Master state holds it and
//! sends an advertisement every `Advertisement_Interval`; the other, a
//! Backup, waits. A Backup that hears no advertisement for
//! `Master_Down_Interval` = 3 × `Advertisement_Interval` + `Skew_Time`,
//! with `Skew_Time` = (256 − Priority) × `Advertisement_Interval` / 256,
//! becomes Master, sends a gratuitous ARP and answers for the address
//! (RFC 5798 §6.1, §6.4.2; keepalived's `advert_int` defaults to 1 s). With
//! `Preempt_Mode` (the default), a returning balancer of higher priority
//! ignores the lower one's advertisements, so its own `Master_Down_Timer`
//! fires and it takes the address back (§6.4.1, §6.4.2).
//!
//! Everything here is a pure function of the times the two machines lost or
//! regained power: the simulation passes time in and never reads a clock.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::scenario::LbPair;

/// keepalived's `virtual_router_id` for the pair. It has no default; 51 is
/// the value in keepalived's sample configuration. Modelled: not part of
/// the scenario.
pub const VRID: u8 = 51;
/// Where advertisements go: the VRRP multicast group (RFC 5798 §5.1.1.2).
pub const GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 18);
/// VRRP's IP protocol number (RFC 5798 §5.1.1.4).
pub const PROTOCOL: u8 = 112;

/// `Max Adver Int` (§5.2.7): the interval in centiseconds, in 12 bits.
fn centis(interval_us: u64) -> u16 {
    (interval_us / 10_000).clamp(1, 0x0fff) as u16
}

/// The Internet checksum (RFC 1071) of these byte runs, taken together.
fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for part in parts {
        for pair in part.chunks(2) {
            let word = u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]);
            sum += u32::from(word);
        }
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// One VRRPv3 advertisement, as the IPv4 packet a Master multicasts every
/// `Advertisement_Interval`: a 20-byte IP header (TTL 255, protocol 112, to
/// 224.0.0.18: RFC 5798 §5.1.1; no options, DSCP 0, no fragment flags), then
/// the 12-byte message (§5.2): version 3 and type 1 (Advertisement), the
/// VRID, the sender's priority, one address, the interval in centiseconds
/// (12 bits), the checksum over an IPv4 pseudo-header and the message
/// (§5.2.8), and the address the sender holds.
pub fn advert(src: Ipv4Addr, vip: Ipv4Addr, priority: u8, interval_us: u64) -> [u8; 32] {
    let mut vrrp = [0u8; 12];
    vrrp[0] = 0x31;
    vrrp[1] = VRID;
    vrrp[2] = priority;
    vrrp[3] = 1;
    vrrp[4..6].copy_from_slice(&centis(interval_us).to_be_bytes());
    vrrp[8..12].copy_from_slice(&vip.octets());
    let pseudo = [
        &src.octets()[..],
        &GROUP.octets()[..],
        &[0, PROTOCOL, 0, vrrp.len() as u8][..],
    ]
    .concat();
    let sum = checksum(&[&pseudo, &vrrp]);
    vrrp[6..8].copy_from_slice(&sum.to_be_bytes());
    let mut ip = [0u8; 20];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&32u16.to_be_bytes());
    ip[8] = 255;
    ip[9] = PROTOCOL;
    ip[12..16].copy_from_slice(&src.octets());
    ip[16..20].copy_from_slice(&GROUP.octets());
    let sum = checksum(&[&ip]);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    let mut out = [0u8; 32];
    out[..20].copy_from_slice(&ip);
    out[20..].copy_from_slice(&vrrp);
    out
}

/// One advertisement's sender: its name, its own address, its priority.
pub struct Advert<'a> {
    pub host: &'a str,
    pub src: Ipv4Addr,
    pub priority: u8,
}

impl Advert<'_> {
    /// The advertisement as one line of the trace: what it says (in the
    /// words tcpdump prints), a note, and its bytes.
    pub fn line(&self, vip: Ipv4Addr, interval_us: u64, note: &str) -> String {
        let bytes = advert(self.src, vip, self.priority, interval_us);
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{} {} → {GROUP} VRRPv3 Advertisement, vrid {VRID}, prio {}, intvl {}cs, addrs: {vip} ({note}); bytes {}",
            self.host,
            self.src,
            self.priority,
            centis(interval_us),
            hex.join(" ")
        )
    }
}

/// Who holds the floating address at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Holder {
    /// The active balancer (`lb-01`, the higher priority).
    Active,
    /// The standby (`lb-02`), after it stopped hearing the active.
    Standby,
    /// Nobody: packets to the address go unanswered.
    Nobody,
}

/// `Master_Down_Interval` of a router of this priority, µs (RFC 5798 §6.1).
pub fn master_down_interval_us(advert_interval_us: u64, priority: u8) -> u64 {
    let skew = (256 - u64::from(priority)) * advert_interval_us / 256;
    3 * advert_interval_us + skew
}

/// The power history of the pair: when each machine last went off or came
/// back on (session µs; `None`: as built, on since before the session).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Vrrp {
    pub active_off_at: Option<u64>,
    pub active_on_at: Option<u64>,
    pub standby_off_at: Option<u64>,
    pub standby_on_at: Option<u64>,
}

impl Vrrp {
    /// Records a power change of the active (`standby` false) or the standby.
    pub fn power(&mut self, standby: bool, on: bool, at_us: u64) {
        let (off_at, on_at) = if standby {
            (&mut self.standby_off_at, &mut self.standby_on_at)
        } else {
            (&mut self.active_off_at, &mut self.active_on_at)
        };
        if on {
            *on_at = Some(at_us);
        } else {
            *off_at = Some(at_us);
        }
    }

    /// Who holds the address at session time `t_us`, given whether each
    /// machine is powered now.
    pub fn holder(&self, pair: &LbPair, active_on: bool, standby_on: bool, t_us: u64) -> Holder {
        let adv = pair.advert_interval_us.max(1);
        // The active is Master unless it lost power; once back, it waits its
        // own Master_Down_Interval (hearing only lower priorities) first.
        if active_on {
            let master_from = self.active_on_at.map_or(0, |on| {
                on.saturating_add(master_down_interval_us(adv, pair.priority_active))
            });
            if t_us >= master_from {
                return Holder::Active;
            }
        }
        if standby_on {
            // The standby's timer runs from the active's last advertisement
            // (adverts go out at whole intervals) or from its own start; a
            // returning active, still waiting, sends none.
            let last_advert = match self.active_off_at {
                Some(off) => off / adv * adv,
                None => 0,
            };
            let heard_until = last_advert.max(self.standby_on_at.unwrap_or(0));
            if t_us
                >= heard_until.saturating_add(master_down_interval_us(adv, pair.priority_standby))
            {
                return Holder::Standby;
            }
        }
        Holder::Nobody
    }

    /// When the holder at `t_us` began holding (or nobody began): the last
    /// instant at or before `t_us` where the holder changed; 0 if never.
    pub fn held_since(&self, pair: &LbPair, active_on: bool, standby_on: bool, t_us: u64) -> u64 {
        let now = self.holder(pair, active_on, standby_on, t_us);
        let mut instants = self.instants(pair);
        instants.extend(
            [
                self.active_off_at,
                self.standby_off_at,
                self.active_on_at,
                self.standby_on_at,
            ]
            .into_iter()
            .flatten(),
        );
        instants.sort_unstable();
        instants
            .into_iter()
            .rev()
            .filter(|&c| c > 0 && c <= t_us)
            .find(|&c| {
                self.holder(pair, active_on, standby_on, c) == now
                    && self.holder(pair, active_on, standby_on, c - 1) != now
            })
            .unwrap_or(0)
    }

    /// The instants at which a timer may hand the address over.
    fn instants(&self, pair: &LbPair) -> Vec<u64> {
        let adv = pair.advert_interval_us.max(1);
        let mut candidates = Vec::new();
        if let Some(on) = self.active_on_at {
            candidates.push(on.saturating_add(master_down_interval_us(adv, pair.priority_active)));
        }
        let mds = master_down_interval_us(adv, pair.priority_standby);
        if let Some(off) = self.active_off_at {
            candidates.push((off / adv * adv).saturating_add(mds));
        }
        if let Some(on) = self.standby_on_at {
            candidates.push(on.saturating_add(mds));
        }
        candidates.push(mds);
        candidates
    }

    /// The first moment in `(from_us, until_us]` at which someone holds the
    /// address, when nobody does at `from_us` (the holder only changes at
    /// the instants computed here, so checking them is enough).
    pub fn next_holder(
        &self,
        pair: &LbPair,
        active_on: bool,
        standby_on: bool,
        from_us: u64,
        until_us: u64,
    ) -> Option<(u64, Holder)> {
        let mut candidates = self.instants(pair);
        candidates.sort_unstable();
        candidates
            .into_iter()
            .filter(|&t| t > from_us && t <= until_us)
            .find_map(|t| match self.holder(pair, active_on, standby_on, t) {
                Holder::Nobody => None,
                h => Some((t, h)),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> LbPair {
        LbPair::standard()
    }

    #[test]
    fn an_advert_checks_out_and_names_the_address() {
        let a = advert(
            Ipv4Addr::new(10, 0, 0, 2),
            Ipv4Addr::new(8, 8, 8, 8),
            150,
            1_000_000,
        );
        // Both checksums verify: the sum over what they cover is all ones.
        assert_eq!(checksum(&[&a[..20]]), 0);
        let pseudo = [10, 0, 0, 2, 224, 0, 0, 18, 0, 112, 0, 12];
        assert_eq!(checksum(&[&pseudo, &a[20..]]), 0);
        assert_eq!(&a[20..26], &[0x31, 51, 150, 1, 0, 100]);
        assert_eq!(&a[28..], &[8, 8, 8, 8]);
        assert_eq!((a[8], a[9]), (255, 112));
        let line = Advert {
            host: "lb-01",
            src: Ipv4Addr::new(10, 0, 0, 2),
            priority: 150,
        }
        .line(Ipv4Addr::new(8, 8, 8, 8), 1_000_000, "a note");
        assert!(line.starts_with("lb-01 10.0.0.2 → 224.0.0.18 VRRPv3 Advertisement, vrid 51, prio 150, intvl 100cs, addrs: 8.8.8.8 (a note); bytes 45 00 00 20"), "{line}");
    }

    #[test]
    fn master_down_interval_follows_rfc_5798() {
        // 3 × 1 s + (256 − 100) / 256 s = 3.609375 s.
        assert_eq!(master_down_interval_us(1_000_000, 100), 3_609_375);
        assert_eq!(master_down_interval_us(1_000_000, 150), 3_414_062);
        assert_eq!(master_down_interval_us(1_000_000, 255), 3_003_906);
    }

    #[test]
    fn the_standby_takes_over_after_missing_three_adverts_and_its_skew() {
        let p = pair();
        let mut v = Vrrp::default();
        assert_eq!(v.holder(&p, true, true, 0), Holder::Active);
        v.power(false, false, 5_400_000);
        // The last advert left at 5 s: the standby waits until 8.609375 s.
        assert_eq!(v.holder(&p, false, true, 5_400_000), Holder::Nobody);
        assert_eq!(v.holder(&p, false, true, 8_609_374), Holder::Nobody);
        assert_eq!(v.holder(&p, false, true, 8_609_375), Holder::Standby);
        assert_eq!(
            v.next_holder(&p, false, true, 5_400_000, 20_000_000),
            Some((8_609_375, Holder::Standby))
        );
        // Nobody ever, with the standby off too.
        assert_eq!(v.holder(&p, false, false, 60_000_000), Holder::Nobody);
        assert_eq!(
            v.next_holder(&p, false, false, 5_400_000, 200_000_000),
            None
        );
        // The active comes back at 20 s and preempts 3.414062 s later; the
        // standby serves until then.
        v.power(false, true, 20_000_000);
        assert_eq!(v.holder(&p, true, true, 21_000_000), Holder::Standby);
        assert_eq!(v.holder(&p, true, true, 23_414_062), Holder::Active);
        assert_eq!(v.held_since(&p, true, true, 30_000_000), 23_414_062);
        assert_eq!(v.held_since(&p, true, true, 21_000_000), 8_609_375);
    }

    #[test]
    fn a_standby_failure_changes_nothing_while_the_active_is_up() {
        let p = pair();
        let mut v = Vrrp::default();
        v.power(true, false, 1_000_000);
        assert_eq!(v.holder(&p, true, false, 2_000_000), Holder::Active);
        // The standby back: it hears the active's adverts and stays Backup.
        v.power(true, true, 3_000_000);
        assert_eq!(v.holder(&p, true, true, 30_000_000), Holder::Active);
    }

    #[test]
    fn an_active_back_alone_waits_its_own_interval() {
        let p = pair();
        let mut v = Vrrp::default();
        v.power(false, false, 1_000_000);
        v.power(false, true, 2_000_000);
        // The standby is off: the active's timer fires at 5.414062 s.
        assert_eq!(v.holder(&p, true, false, 5_000_000), Holder::Nobody);
        assert_eq!(v.holder(&p, true, false, 5_414_062), Holder::Active);
        assert_eq!(
            v.next_holder(&p, true, false, 2_000_000, 10_000_000),
            Some((5_414_062, Holder::Active))
        );
    }
}
