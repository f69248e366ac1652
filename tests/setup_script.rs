//! `scripts/setup.sh` decides what a fresh machine must install before the
//! HiGHS build (and, with `--tests`, for the browser tests). It runs here
//! against a fake file system (`SETUP_ROOT`) and stub `apt-get`, `cmake`,
//! `c++`, `llvm-config`, `chromium` and `chromedriver` on a `PATH` that holds
//! nothing else, so what it installs depends only on the case set up.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Machine {
    dir: tempfile::TempDir,
}

/// Tools the script itself needs, linked from the real system.
const BASE_TOOLS: &[&str] = &[
    "basename", "id", "mktemp", "rm", "cat", "grep", "mkdir", "head", "cut", "chmod",
];

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
        // library where Debian's libclang1-14 does (unless told it fails to),
        // and chromium-driver puts Debian 12's Chromium and chromedriver on
        // PATH (unless told the driver is of another release).
        m.stub(
            "apt-get",
            &format!(
                "echo \"$*\" >> {log}\n\
                 case \" $* \" in *' libclang-dev '*) [ -e {root}/no-libclang ] || \
                 {{ mkdir -p {root}/usr/lib/x86_64-linux-gnu && : > {root}/usr/lib/x86_64-linux-gnu/libclang-14.so.1; }};; esac\n\
                 case \" $* \" in *' chromium-driver '*) \
                 printf '#!/bin/bash\\necho Chromium 156.0.8078.114 built on Debian GNU/Linux 12\\n' > {bin}/chromium; \
                 v=156; [ -e {root}/old-driver ] && v=150; \
                 printf '#!/bin/bash\\necho ChromeDriver %s.0.7871.100\\n' $v > {bin}/chromedriver; \
                 chmod +x {bin}/chromium {bin}/chromedriver;; esac",
                log = m.log().display(),
                root = m.root().display(),
                bin = m.dir.path().join("bin").display(),
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

    /// cmake, a compiler and libclang: all the build needs.
    fn ready_to_build(self) -> Self {
        let m = self.with_cmake_and_compiler();
        m.file("usr/lib/x86_64-linux-gnu/libclang-14.so.1");
        m
    }

    /// A `chromium` and a `chromedriver` that report these versions.
    fn with_browser(self, chromium: &str, chromedriver: &str) -> Self {
        self.stub("chromium", &format!("echo '{chromium}'"));
        self.stub("chromedriver", &format!("echo '{chromedriver}'"));
        self
    }

    /// Runs the script; returns (success, stderr, what apt-get installed).
    fn setup(&self, env: &[(&str, &str)]) -> (bool, String, Vec<String>) {
        self.setup_with(&[], env)
    }

    /// Runs the script with `args`.
    fn setup_with(&self, args: &[&str], env: &[(&str, &str)]) -> (bool, String, Vec<String>) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/setup.sh");
        let mut cmd = Command::new("/bin/bash");
        cmd.arg(script)
            .args(args)
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

#[test]
fn the_tests_flag_installs_chromium_and_its_driver_and_the_demo_does_not() {
    let m = Machine::bare();
    let (ok, stderr, installed) = m.setup_with(&["--tests"], &[]);
    assert!(ok, "{stderr}");
    assert_eq!(
        installed,
        [
            "cmake",
            "libclang-dev",
            "g++",
            "chromium",
            "chromium-driver"
        ]
    );
    // Without the flag a machine ready to build gets nothing, browser or not.
    let m = Machine::bare().ready_to_build();
    let (ok, stderr, installed) = m.setup(&[]);
    assert!(ok && installed.is_empty(), "{installed:?} {stderr}");
}

#[test]
fn a_matching_chromium_and_driver_are_kept() {
    let m = Machine::bare().ready_to_build().with_browser(
        "Chromium 156.0.8078.114 built on Debian GNU/Linux 12",
        "ChromeDriver 156.0.8078.114 (ea19f97)",
    );
    let (ok, stderr, installed) = m.setup_with(&["--tests"], &[]);
    assert!(ok, "{stderr}");
    assert!(installed.is_empty(), "{installed:?}");
    assert!(
        stderr.contains("chromium and its chromedriver are present"),
        "{stderr}"
    );
}

#[test]
fn a_driver_of_another_release_or_a_silent_browser_is_replaced() {
    for (browser, driver) in [
        ("Chromium 156.0.8078.114", "ChromeDriver 150.0.7871.100"),
        // Ubuntu's chromium-browser wrapper without snap: no version at all.
        ("", "ChromeDriver 156.0.8078.114"),
    ] {
        let m = Machine::bare()
            .ready_to_build()
            .with_browser(browser, driver);
        let (ok, stderr, installed) = m.setup_with(&["--tests"], &[]);
        assert!(ok, "{stderr}");
        assert_eq!(
            installed,
            ["chromium", "chromium-driver"],
            "{browser} / {driver}"
        );
    }
}

#[test]
fn an_install_that_leaves_mismatched_versions_fails_and_says_which() {
    let m = Machine::bare().ready_to_build();
    m.file("old-driver");
    let (ok, stderr, installed) = m.setup_with(&["--tests"], &[]);
    assert_eq!(installed, ["chromium", "chromium-driver"]);
    assert!(!ok);
    assert!(
        stderr.contains("(156)") && stderr.contains("(150)"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_option_is_refused() {
    let m = Machine::bare().ready_to_build();
    let (ok, stderr, installed) = m.setup_with(&["--test"], &[]);
    assert!(!ok && installed.is_empty());
    assert!(stderr.contains("unknown option --test"), "{stderr}");
}
