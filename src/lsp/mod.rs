//! `scn lsp`: a language server on standard input and output.
