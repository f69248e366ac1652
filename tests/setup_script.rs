//! `scripts/setup.sh` decides what a fresh machine must install before the
//! HiGHS build. It runs here against a fake file system (`SETUP_ROOT`) and
//! stub `apt-get`, `cmake`, `c++` and `llvm-config` on a `PATH` that holds
//! nothing else, so what it installs depends only on the case set up.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Machine {
    dir: tempfile::TempDir,
}

/// Tools the script itself needs, linked from the real system.
const BASE_TOOLS: &[&str] = &["basename", "id", "mktemp", "rm", "cat", "grep", "mkdir"];

impl Machine {
    /// A machine with none of cmake, libclang or a C++ compiler.
    fn bare() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(dir.path().join("root/usr/lib")).unwrap();
        for tool in BASE_TOOLS {
            let real = which(tool);
            std::os::unix::fs::symlink(real, bin.join(tool)).unwrap();
        }
        let m = Machine { dir };
        // apt-get records its arguments; installing libclang-dev puts the
        // library where Debian's libclang1-14 does (unless told it fails to).
        m.stub(
            "apt-get",
            &format!(
                "echo \"$*\" >> {log}\n\
                 case \" $* \" in *' libclang-dev '*) [ -e {root}/no-libclang ] || \
                 {{ mkdir -p {root}/usr/lib/x86_64-linux-gnu && : > {root}/usr/lib/x86_64-linux-gnu/libclang-14.so.1; }};; esac",
                log = m.log().display(),
                root = m.root().display()
            ),
        );
        m.stub("sudo", "exec \"$@\"");
        m
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("apt.log")
    }

    fn stub(&self, name: &str, body: &str) {
        let path = self.dir.path().join("bin").join(name);
        std::fs::write(&path, format!("#!/bin/bash\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn file(&self, relative: &str) {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"").unwrap();
    }

    fn with_cmake_and_compiler(self) -> Self {
        self.stub("cmake", "exit 0");
        self.stub("c++", "exit 0");
        self
    }

    /// Runs the script; returns (success, stderr, what apt-get installed).
    fn setup(&self, env: &[(&str, &str)]) -> (bool, String, Vec<String>) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/setup.sh");
        let mut cmd = Command::new("/bin/bash");
        cmd.arg(script)
            .env_clear()
            .env("PATH", self.dir.path().join("bin"))
            .env("SETUP_ROOT", self.root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let installed = std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.strip_prefix("install -y -qq "))
            .flat_map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
            .collect();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            installed,
        )
    }
}

fn which(tool: &str) -> PathBuf {
    ["/usr/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(tool))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{tool} not found in /usr/bin or /bin"))
}

#[test]
fn a_bare_machine_gets_cmake_libclang_and_a_compiler() {
    let m = Machine::bare();
    let (ok, stderr, installed) = m.setup(&[]);
    assert!(ok, "{stderr}");
    assert_eq!(installed, ["cmake", "libclang-dev", "g++"]);
    assert!(
        stderr.contains("installing cmake libclang-dev g++"),
        "{stderr}"
    );
    assert!(stderr.contains("compiles HiGHS"), "{stderr}");
}

#[test]
fn libclang_cpp_alone_is_not_libclang() {
    // The Debian 12 image: the C++ API library, which bindgen cannot load.
    let m = Machine::bare().with_cmake_and_compiler();
    m.file("usr/lib/x86_64-linux-gnu/libclang-cpp.so.14");
    m.file("usr/lib/llvm-14/lib/libclang-cpp.so.14");
    let (ok, stderr, installed) = m.setup(&[]);
    assert!(ok, "{stderr}");
    assert_eq!(installed, ["libclang-dev"]);
}

#[test]
fn a_machine_with_everything_installs_nothing() {
    for lib in [
        "usr/lib/x86_64-linux-gnu/libclang-14.so.1",
        "usr/lib/llvm-14/lib/libclang.so",
        "usr/local/lib/libclang.so.17",
    ] {
        let m = Machine::bare().with_cmake_and_compiler();
        m.file(lib);
        let (ok, stderr, installed) = m.setup(&[]);
        assert!(ok, "{lib}: {stderr}");
        assert!(installed.is_empty(), "{lib}: installed {installed:?}");
        assert!(stderr.contains("nothing to install"), "{stderr}");
    }
}

#[test]
fn libclang_path_and_llvm_config_are_where_bindgen_looks_first() {
    let m = Machine::bare().with_cmake_and_compiler();
    m.file("opt/llvm/lib/libclang.so");
    let dir = m.root().join("opt/llvm/lib");
    let (_, _, installed) = m.setup(&[("LIBCLANG_PATH", dir.to_str().unwrap())]);
    assert!(installed.is_empty(), "{installed:?}");

    // llvm-config --prefix names a toolchain outside the system folders.
    let m = Machine::bare().with_cmake_and_compiler();
    m.file("opt/llvm-18/lib/libclang-18.so");
    m.stub(
        "llvm-config",
        &format!("echo {}", m.root().join("opt/llvm-18").display()),
    );
    let (_, _, installed) = m.setup(&[]);
    assert!(installed.is_empty(), "{installed:?}");
}

#[test]
fn an_install_that_leaves_no_libclang_fails_with_the_fix() {
    let m = Machine::bare().with_cmake_and_compiler();
    m.file("no-libclang");
    let (ok, stderr, installed) = m.setup(&[]);
    assert_eq!(installed, ["libclang-dev"]);
    assert!(!ok);
    assert!(stderr.contains("set LIBCLANG_PATH"), "{stderr}");
}
