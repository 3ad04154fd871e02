//! lists: one list of items per index (edges per resource, declarations per resource),
//! stored as one array and its offsets rather than a vector per index: a million resources
//! with one edge each cost two arrays, not a million small allocations. Built once, read
//! many times. Pure.

use std::ops::Index;

/// A list of `T` for each index `0..len`, in the order the items were given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lists<T> {
    /// `items[offsets[i]..offsets[i + 1]]` is the list of index `i`.
    offsets: Vec<usize>,
    items: Vec<T>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Self { offsets: vec![0], items: Vec::new() }
    }
}

impl<T> Lists<T> {
    /// `len` empty lists.
    pub fn empty(len: usize) -> Self {
        Self { offsets: vec![0; len + 1], items: Vec::new() }
    }

    /// Lists from `(index, item)` pairs, each `index < len`; the items of one index keep
    /// the order they came in. Linear: one pass to count, one to place.
    ///
    /// # Panics
    /// When an index is `len` or more.
    pub fn from_pairs(len: usize, pairs: &[(usize, T)]) -> Self
    where
        T: Copy,
    {
        Self::placed(len, pairs.iter().map(|&(index, item)| (index, item)), pairs.len())
    }

    /// The same items listed by another index, `key(item) < len`: edges out of each
    /// resource become edges into each. The items of one index keep their order here.
    #[must_use]
    pub fn regrouped(&self, len: usize, key: impl Fn(&T) -> usize) -> Self
    where
        T: Copy,
    {
        Self::placed(len, self.items.iter().map(|item| (key(item), *item)), self.items.len())
    }

    fn placed(len: usize, pairs: impl Iterator<Item = (usize, T)> + Clone, count: usize) -> Self
    where
        T: Copy,
    {
        let mut offsets = vec![0; len + 1];
        for (index, _) in pairs.clone() {
            offsets[index + 1] += 1;
        }
        for i in 0..len {
            offsets[i + 1] += offsets[i];
        }
        let mut items = Vec::with_capacity(count);
        let mut next = offsets.clone();
        let mut pairs = pairs.peekable();
        if let Some(&(_, first)) = pairs.peek() {
            // Every slot is overwritten below: the counts above are the places.
            items.resize(count, first);
            for (index, item) in pairs {
                items[next[index]] = item;
                next[index] += 1;
            }
        }
        Self { offsets, items }
    }

    /// Lists given in index order, one iterator of items per index.
    pub fn from_lists<I: IntoIterator<Item = T>>(lists: impl IntoIterator<Item = I>) -> Self {
        let mut offsets = vec![0];
        let mut items = Vec::new();
        for list in lists {
            items.extend(list);
            offsets.push(items.len());
        }
        items.shrink_to_fit();
        Self { offsets, items }
    }

    /// How many lists (indices) there are.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there is no list at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each index's list, in index order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[T]> {
        self.offsets.windows(2).map(|w| &self.items[w[0]..w[1]])
    }
}

impl<T> Index<usize> for Lists<T> {
    type Output = [T];

    fn index(&self, i: usize) -> &[T] {
        &self.items[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// A short list kept inline while it holds one item: most ids name one resource, and a
/// vector each would cost an allocation per id.
#[derive(Clone, Debug)]
pub enum Few<T> {
    One([T; 1]),
    More(Vec<T>),
}

impl<T: Copy> Few<T> {
    pub fn push(&mut self, item: T) {
        match self {
            Self::One([first]) => {
                let first = *first;
                *self = Self::More(vec![first, item]);
            }
            Self::More(items) => items.push(item),
        }
    }

    pub fn as_slice(&self) -> &[T] {
        match self {
            Self::One(one) => one,
            Self::More(items) => items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_land_in_their_index_in_the_order_given() {
        let lists = Lists::from_pairs(4, &[(2, 'a'), (0, 'b'), (2, 'c'), (3, 'd'), (2, 'e')]);
        assert_eq!(lists.len(), 4);
        assert_eq!(&lists[0], &['b']);
        assert!(lists[1].is_empty());
        assert_eq!(&lists[2], &['a', 'c', 'e']);
        assert_eq!(&lists[3], &['d']);
        let all: Vec<Vec<char>> = lists.iter().map(<[char]>::to_vec).collect();
        assert_eq!(all, vec![vec!['b'], vec![], vec!['a', 'c', 'e'], vec!['d']]);
        let by_letter = lists.regrouped(2, |c| usize::from(*c > 'b'));
        assert_eq!(&by_letter[0], &['b', 'a']);
        assert_eq!(&by_letter[1], &['c', 'e', 'd']);
        assert!(Lists::<char>::from_pairs(3, &[]).iter().all(<[char]>::is_empty));
    }

    #[test]
    fn lists_given_in_order_keep_their_items() {
        let lists = Lists::from_lists(vec![vec![1, 2], vec![], vec![3]]);
        assert_eq!(lists.len(), 3);
        assert_eq!(&lists[0], &[1, 2]);
        assert!(lists[1].is_empty());
        assert_eq!(&lists[2], &[3]);
        assert!(Lists::<u8>::empty(0).is_empty());
        assert_eq!(Lists::<u8>::empty(5).iter().filter(|l| l.is_empty()).count(), 5);
    }

    #[test]
    fn few_keeps_every_item_in_order() {
        let mut few = Few::One([7]);
        assert_eq!(few.as_slice(), &[7]);
        few.push(8);
        few.push(9);
        assert_eq!(few.as_slice(), &[7, 8, 9]);
    }
}
