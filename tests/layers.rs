//! The module layers of ARCHITECTURE.md, checked against the source.
//!
//! ARCHITECTURE.md's table gives each top-level module of `src/` its layer
//! and the modules it uses. This test reads every source file (outside
//! `#[cfg(test)]` items and test-module files, which may reach up for
//! fixtures), collects the
//! `crate::…` paths it names, and fails when
//! - a module uses one on a higher layer (an upward import),
//! - the modules' uses form a cycle, or
//! - the table's "uses" column differs from what the code uses (so the
//!   listing a newcomer reads cannot go stale).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One row of the table: layer and documented uses.
struct Row {
    layer: u32,
    uses: BTreeSet<String>,
}

/// Rows `| 3 | `solve` | `error`, `instances` | why |` of ARCHITECTURE.md.
fn documented() -> BTreeMap<String, Row> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md at the crate root");
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // ["", layer, module, uses, why, ""]
        if cells.len() < 5 {
            continue;
        }
        let Ok(layer) = cells[1].parse::<u32>() else {
            continue;
        };
        let names = |cell: &str| -> BTreeSet<String> {
            cell.split(',')
                .map(|s| s.trim().trim_matches('`').to_string())
                .filter(|s| !s.is_empty() && s != "—")
                .collect()
        };
        for module in names(cells[2]) {
            rows.insert(
                module,
                Row {
                    layer,
                    uses: names(cells[3]),
                },
            );
        }
    }
    assert!(!rows.is_empty(), "no layer rows found in ARCHITECTURE.md");
    rows
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a piece of code names as `crate::name` or inside
/// `crate::{a, b::c}`; comment lines (doc links) do not count.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // Top-level names of the group: at depth 0, before `::`, `,` or `}`.
                let mut depth = 0;
                let mut start = true;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if start && depth == 0 && (c.is_alphanumeric() || c == '_') => {
                            let name: String = group[i..]
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect();
                            found.insert(name);
                            start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        }
    }
    found
}

/// `code` without its `#[cfg(test)]` items: each attribute and the item
/// after it, to its `;` or its matching closing brace.
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let (semi, brace) = (item.find(';'), item.find('{'));
        let end = match (semi, brace) {
            (Some(s), Some(b)) if s < b => s + 1,
            (_, Some(b)) => {
                let mut depth = 0;
                let mut end = item.len();
                for (i, c) in item[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (Some(s), None) => s + 1,
            (None, None) => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Files that are test modules of their folder (`#[cfg(test)] mod name;`).
fn test_files(dir: &Path, code: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        rest = &rest[at + "#[cfg(test)]".len()..];
        let decl = rest.trim_start();
        if let Some(name) = decl.strip_prefix("mod ").and_then(|d| d.split(';').next()) {
            if !name.contains('{') {
                files.push(dir.join(format!("{}.rs", name.trim())));
            }
        }
    }
    files
}

/// What each top-level module of `src/` uses, outside its tests.
fn actual() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut skip = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        skip.extend(test_files(file.parent().unwrap(), &text));
    }
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files.iter().filter(|f| !skip.contains(*f)) {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "bin" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let entry = uses.entry(module.clone()).or_default();
        entry.extend(
            crate_paths(&without_tests(&text))
                .into_iter()
                .filter(|m| *m != module),
        );
    }
    uses
}

#[test]
fn test_items_are_left_out() {
    let code = "use crate::error::E;\n#[cfg(test)]\nmod tests {\n    use crate::scenario::S;\n    fn f() { if x { } }\n}\nfn g() -> crate::solve::X {}\n#[cfg(test)]\nuse crate::map::M;\n";
    let got: Vec<String> = crate_paths(&without_tests(code)).into_iter().collect();
    assert_eq!(got, ["error", "solve"]);
    let files = test_files(
        Path::new("d"),
        "#[cfg(test)]\nmod tests;\n#[cfg(test)]\nmod inline {}\n",
    );
    assert_eq!(files, [PathBuf::from("d/tests.rs")]);
}

#[test]
fn crate_paths_reads_single_and_grouped_uses() {
    let code = "use crate::error::Result;\n/// see [`crate::map`]\nuse crate::{solve::{A, B}, order::TotalF64};\nlet x = crate::travel::f();\n";
    let got: Vec<String> = crate_paths(code).into_iter().collect();
    assert_eq!(got, ["error", "order", "solve", "travel"]);
}

#[test]
fn modules_use_only_their_layer_and_below_as_documented() {
    let rows = documented();
    let uses = actual();
    let mut problems = Vec::new();
    for (module, used) in &uses {
        let Some(row) = rows.get(module) else {
            problems.push(format!("`{module}` is not in ARCHITECTURE.md's table"));
            continue;
        };
        for u in used {
            match rows.get(u) {
                None => problems.push(format!("`{module}` uses `{u}`, which the table lacks")),
                Some(r) if r.layer > row.layer => problems.push(format!(
                    "`{module}` (layer {}) uses `{u}` (layer {}): an upward import",
                    row.layer, r.layer
                )),
                _ => {}
            }
        }
        if *used != row.uses {
            problems.push(format!(
                "`{module}` uses {used:?} but ARCHITECTURE.md says {:?}",
                row.uses
            ));
        }
    }
    for module in rows.keys() {
        if !uses.contains_key(module) {
            problems.push(format!(
                "ARCHITECTURE.md lists `{module}`, which src/ lacks"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn module_uses_have_no_cycle() {
    let uses = actual();
    // Depth-first search with colours: 1 on the stack, 2 done.
    fn visit<'a>(
        m: &'a str,
        uses: &'a BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match colour.get(m) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|s| *s == m).unwrap();
                let mut cycle: Vec<String> = stack[at..].iter().map(|s| s.to_string()).collect();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        colour.insert(m, 1);
        stack.push(m);
        for u in uses.get(m).into_iter().flatten() {
            if let Some(c) = visit(u, uses, colour, stack) {
                return Some(c);
            }
        }
        stack.pop();
        colour.insert(m, 2);
        None
    }
    let mut colour = BTreeMap::new();
    for m in uses.keys() {
        if let Some(cycle) = visit(m, &uses, &mut colour, &mut Vec::new()) {
            panic!("module cycle: {}", cycle.join(" → "));
        }
    }
}
