//! [`Value`]: one typed state cell, which knows whether the batch changed it.

/// One persisted value of type `T`: what the runtime sent, then what the function wrote.
///
/// Reads never fail: the value was decoded (and its typename checked) before the first
/// invocation of the batch. Writes and clears mark the cell changed; only changed cells
/// are sent back, once per batch.
///
/// ```
/// use statefun::Value;
///
/// let mut seen = Value::<i32>::default();
/// assert_eq!(seen.get(), None);
/// seen.update(|n| Some(n.unwrap_or(0) + 1));
/// assert_eq!(seen.get(), Some(&1));
/// assert!(seen.is_changed());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Value<T> {
    pub(crate) value: Option<T>,
    pub(crate) dirty: bool,
}

impl<T> Default for Value<T> {
    fn default() -> Self {
        Self {
            value: None,
            dirty: false,
        }
    }
}

impl<T> Value<T> {
    /// A cell holding `value` as the runtime would send it: reading gives `value`, and the
    /// cell is unchanged until written. For calling a function's body directly in a unit
    /// test with a given state (`Value::default()` is a cell without a value).
    ///
    /// ```
    /// use statefun::Value;
    ///
    /// let seen = Value::new(41);
    /// assert_eq!(seen.get(), Some(&41));
    /// assert!(!seen.is_changed());
    /// ```
    pub fn new(value: T) -> Self {
        Self::received(Some(value))
    }

    /// A cell holding what the runtime sent, unchanged.
    pub(crate) fn received(value: Option<T>) -> Self {
        Self {
            value,
            dirty: false,
        }
    }

    /// The current value.
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// The current value, mutably; marks the cell changed.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.dirty = true;
        self.value.as_mut()
    }

    /// The current value, or `T::default()` if there is none.
    pub fn get_or_default(&self) -> T
    where
        T: Clone + Default,
    {
        self.value.clone().unwrap_or_default()
    }

    /// Stores `value`.
    pub fn set(&mut self, value: T) {
        self.dirty = true;
        self.value = Some(value);
    }

    /// Deletes the value.
    pub fn clear(&mut self) {
        self.dirty = true;
        self.value = None;
    }

    /// Deletes the value and returns it.
    pub fn take(&mut self) -> Option<T> {
        self.dirty = true;
        self.value.take()
    }

    /// Replaces the value with `f(current)`; `None` deletes it.
    pub fn update(&mut self, f: impl FnOnce(Option<T>) -> Option<T>) {
        self.dirty = true;
        self.value = f(self.value.take());
    }

    /// The value, inserting `f()` first if there is none; marks the cell changed.
    pub fn get_or_insert_with(&mut self, f: impl FnOnce() -> T) -> &mut T {
        self.dirty = true;
        self.value.get_or_insert_with(f)
    }

    /// Whether the cell was written or cleared in this batch.
    pub fn is_changed(&self) -> bool {
        self.dirty
    }
}
