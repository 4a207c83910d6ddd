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

use serde::{Deserialize, Serialize};

use crate::scenario::LbPair;

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
