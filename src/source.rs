//! The source map: every file and REPL line a session has read, each in its
//! own slice of one global offset space, rendered by miette with its name.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::span::Span;

#[derive(Debug)]
struct SourceFile {
    name: String,
    text: Arc<str>,
    base: usize,
}

/// All the text a session has seen. Cheap to clone (the texts are shared).
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a text and returns the global offset of its first byte.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> usize {
        let base = self.files.last().map_or(0, |f| f.base + f.text.len() + 1);
        self.files.push(Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            base,
        }));
        base
    }

    fn file_at(&self, offset: usize) -> Option<&SourceFile> {
        let i = self.files.partition_point(|f| f.base <= offset);
        let f = self.files.get(i.checked_sub(1)?)?;
        (offset <= f.base + f.text.len()).then_some(&**f)
    }

    /// The text under a span (empty when it points nowhere).
    pub fn slice(&self, span: Span) -> &str {
        self.file_at(span.start)
            .and_then(|f| f.text.get(span.start - f.base..span.end - f.base))
            .unwrap_or("")
    }

    /// Name, 1-based line and column of an offset, for plain messages.
    pub fn locate(&self, offset: usize) -> Option<(String, usize, usize)> {
        let f = self.file_at(offset)?;
        let local = offset - f.base;
        let before = f.text.get(..local)?;
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Some((f.name.clone(), line, col))
    }

    /// The whole line of source around a span, trimmed, for assert messages.
    pub fn line_of(&self, span: Span) -> &str {
        let Some(f) = self.file_at(span.start) else {
            return "";
        };
        let local = span.start - f.base;
        let start = f.text[..local].rfind('\n').map_or(0, |i| i + 1);
        let end = f.text[local..]
            .find('\n')
            .map_or(f.text.len(), |i| local + i);
        f.text[start..end].trim()
    }
}

impl SourceCode for SourceMap {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let f = self
            .file_at(span.offset())
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((span.offset() - f.base).into(), span.len());
        let inner = f
            .text
            .read_span(&local, context_lines_before, context_lines_after)?;
        let global = SourceSpan::new((inner.span().offset() + f.base).into(), inner.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            f.name.clone(),
            inner.data(),
            global,
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}
