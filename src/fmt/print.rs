//! Printing expressions back as text, with the parentheses their meaning
//! needs and no others: for messages (`spend@2027 == $20B has no root`)
//! and for comparing what the formatter writes with what it read.

use crate::syntax::ast::{BinOp, Expr, ExprKind, Fill, UnOp};

/// Binding strength, loosest first (as the grammar's Pratt table).
fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::When(_) => 0,
        ExprKind::If { .. } => 1,
        ExprKind::Chain { rest, .. } => match rest[0].op {
            BinOp::Or => 2,
            BinOp::And => 3,
            BinOp::Add | BinOp::Sub => 7,
            _ => 8,
        },
        ExprKind::Unary { op: UnOp::Not, .. } => 4,
        ExprKind::Binary { op, .. } if op.is_comparison() => 5,
        ExprKind::Binary { op: BinOp::To, .. } => 6,
        ExprKind::Unary { op: UnOp::Neg, .. } => 9,
        ExprKind::Binary { op: BinOp::Pow, .. } => 10,
        ExprKind::Binary { .. } => 7,
        ExprKind::At { .. } | ExprKind::Field { .. } | ExprKind::Call { .. } => 11,
        ExprKind::WithUnit { .. } => 12,
        _ => 12,
    }
}

fn paren(out: &mut String, e: &Expr, wrap: bool) {
    if wrap {
        out.push('(');
        write(out, e);
        out.push(')');
    } else {
        write(out, e);
    }
}

/// A number as short as it can be written and read back exactly.
pub fn number(v: f64) -> String {
    let s = format!("{v}");
    if s.len() > 8 && v.fract() == 0.0 {
        format!("{v:e}")
    } else {
        s
    }
}

fn money(v: f64) -> String {
    for (suffix, f) in [("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3)] {
        let x = v / f;
        if v.abs() >= f && (x * 1000.0).fract() == 0.0 && number(x).len() < 8 {
            return format!("${}{suffix}", number(x));
        }
    }
    format!("${}", number(v))
}

/// Writes `e` into `out`.
pub fn write(out: &mut String, e: &Expr) {
    let p = prec(e);
    match &e.kind {
        ExprKind::Number { value, percent } => {
            if *percent {
                out.push_str(&number(value * 100.0));
                out.push('%');
            } else {
                out.push_str(&number(*value));
            }
        }
        ExprKind::Money(v) => out.push_str(&money(*v)),
        ExprKind::MoneyUnit(f) => out.push_str(match *f {
            1e3 => "$k",
            1e6 => "$M",
            1e9 => "$B",
            1e12 => "$T",
            _ => "$",
        }),
        ExprKind::Period(lit) => out.push_str(&lit.text()),
        ExprKind::WithUnit { value, unit } => {
            write(out, value);
            out.push(' ');
            out.push_str(&unit.name);
        }
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::String(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        ExprKind::Never => out.push_str("never"),
        ExprKind::Field { base, field } => {
            paren(out, base, prec(base) < 11);
            out.push('.');
            out.push_str(&field.name);
        }
        ExprKind::Call { func, args } => {
            out.push_str(&func.name);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(out, a);
            }
            out.push(')');
        }
        ExprKind::Range { start, end } => {
            out.push_str(&start.text());
            out.push_str("..");
            out.push_str(&end.text());
        }
        ExprKind::At { base, at } => {
            paren(out, base, prec(base) < 11);
            out.push('@');
            let simple = matches!(at.kind, ExprKind::Period(_) | ExprKind::Name(_));
            paren(out, at, !simple);
        }
        ExprKind::Unary { op, operand } => {
            match op {
                UnOp::Neg => out.push('-'),
                UnOp::Not => out.push_str("not "),
            }
            paren(out, operand, prec(operand) < p);
        }
        ExprKind::Binary { op, lhs, rhs, .. } => {
            let (lw, rw) = match op {
                BinOp::Pow => (prec(lhs) <= p, prec(rhs) < 9),
                _ => (
                    prec(lhs) <= p && (op.is_comparison() || prec(lhs) < p),
                    prec(rhs) <= p,
                ),
            };
            paren(out, lhs, lw);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            paren(out, rhs, rw);
        }
        ExprKind::Chain { first, rest } => {
            // A chain of the same level as the first operand was written in
            // parentheses: keep them, so the text reads back the same.
            let same = matches!(&first.kind, ExprKind::Chain { rest: r, .. } if prec(first) == p && !r.is_empty());
            paren(out, first, prec(first) < p || same);
            for l in rest {
                out.push(' ');
                out.push_str(l.op.symbol());
                out.push(' ');
                paren(out, &l.rhs, prec(&l.rhs) <= p);
            }
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            out.push_str("if ");
            write(out, cond);
            out.push_str(" then ");
            write(out, then);
            out.push_str(" else ");
            write(out, otherwise);
        }
        ExprKind::When(c) => {
            out.push_str("when ");
            write(out, c);
        }
        ExprKind::Keyframes { frames, fill } => {
            out.push_str("{ ");
            for (i, k) in frames.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&k.at.text());
                out.push_str(": ");
                write(out, &k.value);
            }
            out.push_str(" }");
            push_fill(out, *fill);
        }
        ExprKind::Csv {
            file, column, fill, ..
        } => {
            out.push_str(&format!("csv(\"{file}\", \"{column}\")"));
            push_fill(out, *fill);
        }
    }
}

fn push_fill(out: &mut String, fill: Fill) {
    match fill {
        Fill::Linear => {}
        Fill::Growth => out.push_str(" growth"),
        Fill::Step => out.push_str(" step"),
    }
}

/// `e` as text.
pub fn expr_text(e: &Expr) -> String {
    let mut s = String::new();
    write(&mut s, e);
    s
}
