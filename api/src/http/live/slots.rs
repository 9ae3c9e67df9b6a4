//! How many subscription connections each client address holds, for the per-address
//! limit: a [`Slot`] is taken when a connection opens and given back when it ends.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// The open connections of every client address.
#[derive(Default)]
pub struct Connections(Mutex<HashMap<String, usize>>);

/// One open connection of a client address; dropping it gives its place back.
pub struct Slot {
    all: Arc<Connections>,
    client: String,
}

impl Connections {
    /// A place for one more connection of `client`, if it holds fewer than `max`.
    pub fn take(self: &Arc<Self>, client: &str, max: usize) -> Option<Slot> {
        let mut held = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = held.entry(client.to_owned()).or_default();
        if *n >= max {
            if *n == 0 {
                held.remove(client);
            }
            return None;
        }
        *n += 1;
        Some(Slot {
            all: self.clone(),
            client: client.to_owned(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self
            .all
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = held.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_holds_at_most_max_and_gets_places_back() {
        let all = Arc::new(Connections::default());
        let a1 = all.take("a", 2);
        let a2 = all.take("a", 2);
        assert!(a1.is_some() && a2.is_some());
        assert!(all.take("a", 2).is_none());
        assert!(all.take("b", 2).is_some());
        drop(a1);
        assert!(all.take("a", 2).is_some());
        assert!(all.take("c", 0).is_none());
    }
}
