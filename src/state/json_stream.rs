//! `json_stream`: walks a large JSON document read from a stream one top-level value at a
//! time, handing out each value's raw bytes (a state's resource blocks, one by one) for the
//! block parser (`val`) or `serde_json::from_slice` to parse. Only the value being handed
//! out is held, never the document, and finding a value's end is a scan for quotes and
//! brackets, much faster than parsing it through `serde_json::from_reader`. Errors carry
//! their line and column in the document, worded as `serde_json` words its own. Pure: no
//! I/O beyond the given reader.

use std::io::Read;

use super::val::plain_run_end;

/// How much is read at a time.
const CHUNK: usize = 256 * 1024;

/// A JSON syntax or shape error, at a place in the document.
#[derive(Debug)]
pub struct JsonError {
    /// What is wrong, ending with `at line L column C` where the place is known.
    pub detail: String,
    /// The document ended too soon (possibly a cut-short download).
    pub eof: bool,
    /// Well-formed JSON of the wrong shape (a string where a number belongs).
    pub data: bool,
}

/// What stopped a walk.
#[derive(Debug)]
pub enum StreamError {
    /// The reader failed.
    Io(std::io::Error),
    Json(JsonError),
}

impl From<std::io::Error> for StreamError {
    fn from(err: std::io::Error) -> Self {
        Self::Io(err)
    }
}

/// A JSON document read from `R`, walked value by value.
pub struct JsonStream<R> {
    reader: R,
    buf: Vec<u8>,
    /// The next byte not yet walked over.
    pos: usize,
    eof: bool,
    /// The line (from 1) and column (from 1) of `buf[0]` in the document.
    base_line: usize,
    base_col: usize,
    /// Where the span being gathered (`hold`) starts: reads keep the bytes from here on.
    kept: Option<usize>,
}

/// A run of the document's bytes, with the place of its first byte: a batch of resource
/// blocks parsed away from the stream, whose errors are still placed in the document.
#[derive(Debug)]
pub struct Span {
    pub bytes: Vec<u8>,
    line: usize,
    column: usize,
}

impl Span {
    /// Line and column of `bytes[index]` in the document.
    pub fn place(&self, index: usize) -> (usize, usize) {
        place_in(&self.bytes, index, self.line, self.column)
    }
}

/// Line and column of `bytes[index]`, where `bytes[0]` is at `line`, `column`.
fn place_in(bytes: &[u8], index: usize, line: usize, column: usize) -> (usize, usize) {
    let before = &bytes[..index.min(bytes.len())];
    match memchr::memrchr(b'\n', before) {
        Some(last) => (line + memchr::memchr_iter(b'\n', before).count(), index - last),
        None => (line, column + index),
    }
}

/// A `serde_json` error met parsing a value that starts at `place` (line, column) in the
/// document, placed there and worded as `serde_json` words its own.
pub fn json_error_at(place: impl FnOnce() -> (usize, usize), err: &serde_json::Error) -> StreamError {
    let category = err.classify();
    let text = err.to_string();
    let what = match text.rfind(" at line ") {
        Some(at) if err.line() > 0 => &text[..at],
        _ => text.as_str(),
    };
    let detail = if err.line() == 0 {
        what.to_owned()
    } else {
        let (line, column) = place();
        let (line, column) = if err.line() == 1 {
            (line, column + err.column().saturating_sub(1))
        } else {
            (line + err.line() - 1, err.column())
        };
        format!("{what} at line {line} column {column}")
    };
    StreamError::Json(JsonError {
        detail,
        eof: category == serde_json::error::Category::Eof,
        data: category == serde_json::error::Category::Data,
    })
}

impl<R: Read> JsonStream<R> {
    pub fn new(reader: R) -> Self {
        Self { reader, buf: Vec::with_capacity(CHUNK), pos: 0, eof: false, base_line: 1, base_col: 1, kept: None }
    }

    /// Reads another chunk, first dropping what lies before `keep` (the start of the value
    /// being walked, or `pos`) and before the span being gathered. Returns how far the bytes
    /// moved down (subtract it from any index held), or `None` at the end of the document.
    fn more(&mut self, keep: usize) -> Result<Option<usize>, StreamError> {
        if self.eof {
            return Ok(None);
        }
        let dropped = keep.min(self.pos).min(self.kept.unwrap_or(usize::MAX));
        if dropped > 0 {
            self.advance_base(dropped);
            self.buf.drain(..dropped);
            self.pos -= dropped;
            if let Some(kept) = &mut self.kept {
                *kept -= dropped;
            }
        }
        let len = self.buf.len();
        self.buf.resize(len + CHUNK, 0);
        let n = loop {
            match self.reader.read(&mut self.buf[len..]) {
                Ok(n) => break n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => {
                    self.buf.truncate(len);
                    return Err(err.into());
                }
            }
        };
        self.buf.truncate(len + n);
        if n == 0 {
            self.eof = true;
            return Ok(None);
        }
        Ok(Some(dropped))
    }

    fn advance_base(&mut self, n: usize) {
        let dropped = &self.buf[..n];
        match memchr::memrchr(b'\n', dropped) {
            Some(last) => {
                self.base_line += memchr::memchr_iter(b'\n', dropped).count();
                self.base_col = n - last;
            }
            None => self.base_col += n,
        }
    }

    /// Line and column of `buf[index]` in the document.
    fn place(&self, index: usize) -> (usize, usize) {
        place_in(&self.buf, index, self.base_line, self.base_col)
    }

    /// An error of our own at `buf[index]`, worded as `serde_json` words it.
    fn error_at(&self, index: usize, what: &str, eof: bool) -> StreamError {
        let (line, column) = self.place(index);
        StreamError::Json(JsonError { detail: format!("{what} at line {line} column {column}"), eof, data: false })
    }

    /// A `serde_json` error met parsing a value that starts at `buf[start]`, placed in the
    /// document.
    pub fn json_error(&self, start: usize, err: &serde_json::Error) -> StreamError {
        json_error_at(|| self.place(start), err)
    }

    /// Starts gathering a span of the document at the next byte not walked over: the bytes
    /// from there on stay held until `take_span`.
    pub fn hold(&mut self) {
        self.kept = Some(self.pos);
    }

    /// Where `buf[index]` is in the span being gathered (0 without one).
    pub fn offset_in_span(&self, index: usize) -> usize {
        index - self.kept.unwrap_or(index)
    }

    /// How many bytes the span being gathered holds so far.
    pub fn span_len(&self) -> usize {
        self.offset_in_span(self.pos)
    }

    /// The span gathered since `hold` (or the last `take_span`) up to the last byte walked
    /// over; the next span starts there.
    pub fn take_span(&mut self) -> Span {
        let start = self.kept.unwrap_or(self.pos);
        let (line, column) = self.place(start);
        self.kept = Some(self.pos);
        Span { bytes: self.buf[start..self.pos].to_vec(), line, column }
    }

    /// Stops gathering spans.
    pub fn release(&mut self) {
        self.kept = None;
    }

    /// The next byte that is not whitespace, not walked over; `None` at the end.
    pub fn peek(&mut self) -> Result<Option<u8>, StreamError> {
        loop {
            while let Some(&b) = self.buf.get(self.pos) {
                if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if self.more(self.pos)?.is_none() {
                return Ok(None);
            }
        }
    }

    /// Walks over `byte`, which must come next (after whitespace); `what` names what was
    /// expected instead (`` `:` ``), `inside` what the end of the document cut short.
    pub fn expect(&mut self, byte: u8, what: &str, inside: &str) -> Result<(), StreamError> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.error_at(self.pos, &format!("expected {what}"), false)),
            None => Err(self.error_at(self.pos, &format!("EOF while parsing {inside}"), true)),
        }
    }

    /// After a member of an object (`close` `}`) or an element of a list (`]`): whether
    /// another follows (a comma, walked over) or the container ends (walked over too).
    pub fn next_member(&mut self, close: u8, inside: &str) -> Result<bool, StreamError> {
        match self.peek()? {
            Some(b',') => {
                self.pos += 1;
                match self.peek()? {
                    Some(b) if b == close => Err(self.error_at(self.pos, "trailing comma", false)),
                    _ => Ok(true),
                }
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) => Err(self.error_at(self.pos, &format!("expected `,` or `{}`", char::from(close)), false)),
            None => Err(self.error_at(self.pos, &format!("EOF while parsing {inside}"), true)),
        }
    }

    /// Whether a container that was just opened is empty (its closing byte, walked over).
    pub fn closes(&mut self, close: u8) -> Result<bool, StreamError> {
        if self.peek()? == Some(close) {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// The raw bytes of the next value (after whitespace), walked over, and where it
    /// starts (for `json_error`). A value the document cuts short is handed out as far as
    /// it goes, for the parser to say so. Only bytes are matched here (quotes, escapes,
    /// brackets); the parser checks everything else.
    pub fn value(&mut self) -> Result<(&[u8], usize), StreamError> {
        if self.peek()?.is_none() {
            return Err(self.error_at(self.pos, "EOF while parsing a value", true));
        }
        let start = self.pos;
        let end = self.value_end(start)?;
        let start = self.pos;
        if end == start {
            return Err(self.error_at(start, "expected value", false));
        }
        self.pos = end;
        Ok((&self.buf[start..end], start))
    }

    /// The end of the value at `start` (exclusive). Leaves `pos` at the value's start,
    /// which may have moved down as chunks were read.
    fn value_end(&mut self, start: usize) -> Result<usize, StreamError> {
        self.pos = start;
        let mut i = self.pos;
        let first = self.buf[i];
        if first == b'"' {
            return self.string_end(i + 1);
        }
        if first != b'{' && first != b'[' {
            // A number, literal or anything else: up to the next delimiter.
            loop {
                while let Some(&b) = self.buf.get(i) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | b':') {
                        return Ok(i);
                    }
                    i += 1;
                }
                match self.more(self.pos)? {
                    Some(moved) => i -= moved,
                    None => return Ok(self.buf.len()),
                }
            }
        }
        let mut depth = 0usize;
        loop {
            while let Some(&b) = self.buf.get(i) {
                match b {
                    b'"' => {
                        i = self.string_end(i + 1)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            match self.more(self.pos)? {
                Some(moved) => i -= moved,
                None => return Ok(self.buf.len()),
            }
        }
    }

    /// The index just past the quote closing a string whose contents start at `i`.
    fn string_end(&mut self, mut i: usize) -> Result<usize, StreamError> {
        // Most strings are short: eight bytes at a time find their end before `memchr`
        // would start.
        let short = (i + 64).min(self.buf.len());
        i = plain_run_end(&self.buf[..short], i);
        match self.buf.get(i) {
            Some(b'"') if i < short => return Ok(i + 1),
            // A control character: not this scan's business (the parser refuses it).
            Some(b) if i < short && *b != b'\\' => i += 1,
            _ => {}
        }
        loop {
            if i < self.buf.len() {
                match memchr::memchr2(b'"', b'\\', &self.buf[i..]) {
                    Some(off) if self.buf[i + off] == b'"' => return Ok(i + off + 1),
                    Some(off) => {
                        // An escape: skip the escaped byte, which may be in the next chunk.
                        i += off + 2;
                        if i <= self.buf.len() {
                            continue;
                        }
                    }
                    None => i = self.buf.len(),
                }
            }
            match self.more(self.pos)? {
                Some(moved) => i -= moved,
                None => return Ok(self.buf.len()),
            }
        }
    }

    /// What is left to read: the bytes not walked over, then the rest of the reader.
    pub fn into_rest(self) -> std::io::Chain<std::io::Cursor<Vec<u8>>, R> {
        let mut buf = self.buf;
        buf.drain(..self.pos);
        std::io::Cursor::new(buf).chain(self.reader)
    }

    /// How many bytes the stream holds now (for tests of its memory).
    #[cfg(test)]
    fn held(&self) -> usize {
        self.buf.capacity()
    }

    /// After the document's value: nothing but whitespace may follow.
    pub fn end(&mut self) -> Result<(), StreamError> {
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(self.error_at(self.pos, "trailing characters", false)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte at a time: every value crosses chunk ends.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((&first, rest)) = self.0.split_first() else { return Ok(0) };
            buf[0] = first;
            self.0 = rest;
            Ok(1)
        }
    }

    fn values(text: &str) -> Vec<String> {
        let mut stream = JsonStream::new(Trickle(text.as_bytes()));
        stream.expect(b'[', "`[`", "a list").expect("a list");
        let mut out = Vec::new();
        if stream.closes(b']').expect("read") {
            return out;
        }
        loop {
            let (value, _) = stream.value().expect("a value");
            out.push(String::from_utf8(value.to_vec()).expect("utf-8"));
            if !stream.next_member(b']', "a list").expect("a member") {
                break;
            }
        }
        stream.end().expect("the end");
        out
    }

    #[test]
    fn values_end_where_their_brackets_close_outside_strings() {
        let text = r#" [ {"a": "x}]\"\\", "b": [1, {"c": null}]}, "s\"]", 12.5e3 , true, [] ] "#;
        assert_eq!(values(text), [r#"{"a": "x}]\"\\", "b": [1, {"c": null}]}"#, r#""s\"]""#, "12.5e3", "true", "[]"]);
        assert!(values("[]").is_empty());
    }

    #[test]
    fn errors_are_placed_in_the_document() {
        let mut stream = JsonStream::new(Trickle(b"[1,\n  2 3]"));
        stream.expect(b'[', "`[`", "a list").expect("a list");
        stream.value().expect("1");
        assert!(stream.next_member(b']', "a list").expect("comma"));
        stream.value().expect("2");
        let Err(StreamError::Json(err)) = stream.next_member(b']', "a list") else { panic!("an error") };
        assert_eq!(err.detail, "expected `,` or `]` at line 2 column 5");
        let doc = b"{\"a\":\n  {\"b\": tru}}";
        let whole = serde_json::from_slice::<serde_json::Value>(doc).expect_err("bad literal").to_string();
        let mut stream = JsonStream::new(Trickle(doc));
        stream.expect(b'{', "`{`", "an object").expect("an object");
        stream.value().expect("key");
        stream.expect(b':', "`:`", "an object").expect("colon");
        let (value, start) = stream.value().expect("value");
        let parsed = serde_json::from_slice::<serde_json::Value>(value).expect_err("bad literal");
        let Err(StreamError::Json(err)) = Err::<(), _>(stream.json_error(start, &parsed)) else { unreachable!() };
        assert_eq!(err.detail, whole, "placed as serde_json places it in the whole document");
        let mut stream = JsonStream::new(Trickle(b"[{\"a\": 1"));
        stream.expect(b'[', "`[`", "a list").expect("a list");
        let (value, start) = stream.value().expect("cut short");
        let parsed = serde_json::from_slice::<serde_json::Value>(value).expect_err("cut short");
        let StreamError::Json(err) = stream.json_error(start, &parsed) else { panic!("json") };
        assert!(err.eof, "{}", err.detail);
    }

    #[test]
    fn issue_14_a_stream_holds_one_value_at_a_time_not_the_document() {
        let block = format!("{{\"attributes\": {{\"user_data\": \"{}\"}}}}", "x".repeat(4096));
        let mut doc = String::from("[");
        for n in 0..5_000 {
            if n > 0 {
                doc.push(',');
            }
            doc.push_str(&block);
        }
        doc.push(']');
        let mut stream = JsonStream::new(doc.as_bytes());
        stream.expect(b'[', "`[`", "a list").expect("a list");
        let mut most = 0;
        loop {
            let (value, _) = stream.value().expect("a value");
            assert_eq!(value.len(), block.len());
            most = most.max(stream.held());
            if !stream.next_member(b']', "a list").expect("a member") {
                break;
            }
        }
        assert!(doc.len() > 20_000_000);
        assert!(most <= 3 * CHUNK, "held {most} bytes of a {} byte document", doc.len());
    }
}
