//! The `report.html` pages of `plan --map`, `gaps --map` and `compare`, on
//! the bundled Helsinki data, opened in headless Chromium (Debian's
//! `chromium` and `chromium-driver`, which `scripts/setup.sh --tests`
//! installs) through WebDriver: each page loads without a script error or a
//! console error, its map holds the overlays and as many features as the
//! report's own data says, a layer toggle removes what it drew and puts it
//! back, the screenshot is not blank, and at 1,000 and 1,920 px wide nothing
//! overlaps and the page does not scroll sideways.
//!
//! Without Chromium the test fails under CI (`CI` set, as `.ci/run` runs)
//! and is skipped elsewhere with a loud reason. Screenshots are written to
//! `target/browser-screenshots/`.

use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

/// A program on `PATH`, or where `var` says.
fn program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

struct Driver {
    process: Child,
    agent: ureq::Agent,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One Chromium session.
struct Browser {
    driver: Driver,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .driver
            .agent
            .delete(format!("{}/session/{}", self.driver.url, self.session))
            .call();
    }
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let driver = Driver {
            process,
            agent,
            url: format!("http://127.0.0.1:{port}"),
        };
        let start = Instant::now();
        while driver
            .agent
            .get(format!("{}/status", driver.url))
            .call()
            .is_err()
        {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not answer"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }

    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.url);
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .send_json(body.unwrap_or_else(|| json!({}))),
        }
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let v: Value = response.body_mut().read_json().unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {v}");
        v["value"].clone()
    }
}

impl Browser {
    fn open(chromium: &Path, chromedriver: &Path) -> Browser {
        let driver = Driver::start(chromedriver);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1400,1000"],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let session = driver.request("POST", "/session", Some(caps))["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        Browser { driver, session }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .request(method, &format!("/session/{}{path}", self.session), body)
    }

    fn script(&self, source: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": source, "args": []})),
        )
    }

    fn open_page(&self, page: &Path) {
        let url = format!("file://{}", page.display());
        self.call("POST", "/url", Some(json!({ "url": url })));
        let start = Instant::now();
        while self.script("return document.getElementById('map').dataset.ready") != "1" {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{}: the map never finished drawing",
                page.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Console messages of level SEVERE since the last call.
    fn console_errors(&self) -> Vec<String> {
        self.call("POST", "/se/log", Some(json!({"type": "browser"})))
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].to_string())
            .collect()
    }

    fn count(&self, selector: &str) -> u64 {
        self.script(&format!(
            "return document.querySelectorAll({}).length",
            json!(selector)
        ))
        .as_u64()
        .unwrap()
    }

    fn find(&self, xpath: &str) -> String {
        let e = self.call(
            "POST",
            "/element",
            Some(json!({"using": "xpath", "value": xpath})),
        );
        e.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {xpath}"))
            .to_string()
    }

    fn click(&self, xpath: &str) {
        let id = self.find(xpath);
        self.call("POST", &format!("/element/{id}/click"), None);
    }

    fn displayed(&self, xpath: &str) -> bool {
        let id = self.find(xpath);
        self.call("GET", &format!("/element/{id}/displayed"), None) == true
    }

    fn resize(&self, width: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": 1000})),
        );
    }

    /// The screenshot as PNG bytes, saved as `name`.png.
    fn screenshot(&self, name: &str) -> Vec<u8> {
        let b64 = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
        png
    }

    fn features(&self) -> Value {
        let text = self.script("return document.getElementById('map').dataset.features");
        serde_json::from_str(text.as_str().unwrap()).unwrap()
    }
}

/// Pairs of visible elements of the page (outside the map) that overlap,
/// neither inside the other, whether the page scrolls sideways, and the
/// tables too wide for their box (which would scroll inside it).
const LAYOUT: &str = r#"
const boxes = [...document.querySelectorAll('h1, h2, p, label, select, table, th, td, .map, section')]
  .filter(e => !e.closest('.leaflet-container') && e.offsetParent !== null)
  .map(e => [e, e.getBoundingClientRect()]);
const overlaps = [];
for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
  const [a, ra] = boxes[i], [b, rb] = boxes[j];
  if (a.contains(b) || b.contains(a)) continue;
  const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
  const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
  if (w > 1 && h > 1) overlaps.push(a.tagName + ' "' + a.textContent.slice(0, 30) + '" / ' +
    b.tagName + ' "' + b.textContent.slice(0, 30) + '"');
}
const boxed = [...document.querySelectorAll('.wide')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent.slice(0, 40));
return {overlaps: overlaps.slice(0, 10), scroll: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth, boxed: boxed};
"#;

/// A PNG with enough distinct colours and drawn pixels to be a map and tables.
fn assert_not_blank(png: &[u8], name: &str) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.line_size / info.width as usize;
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| &p[..3])
        .collect();
    let colours: std::collections::HashSet<&[u8]> = pixels.iter().copied().collect();
    let background = pixels[0];
    let drawn = pixels.iter().filter(|p| **p != background).count();
    assert!(
        colours.len() > 50 && drawn * 20 > pixels.len(),
        "{name}: {} colours, {drawn} of {} pixels drawn",
        colours.len(),
        pixels.len()
    );
}

fn lifecircle(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "lifecircle {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON block the page draws.
fn page_data(page: &Path) -> Value {
    let mut html = String::new();
    std::fs::File::open(page)
        .unwrap()
        .read_to_string(&mut html)
        .unwrap();
    let tag = "id=\"lifecircle-data\">";
    let start = html.find(tag).unwrap() + tag.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// Checks every page shares: loaded cleanly, layers and counts as the data
/// says, a toggle of `overlay` (drawn as `selector`) that removes and restores
/// its features, a non-blank screenshot and the layout at both widths.
fn check_page(
    b: &Browser,
    page: &Path,
    name: &str,
    layers: &[&str],
    overlay: &str,
    selector: &str,
) {
    b.resize(1400);
    b.open_page(page);
    let errors = b.script("return document.getElementById('map').dataset.errors");
    assert_eq!(errors, "0", "{name}: script errors");
    let console = b.console_errors();
    assert!(console.is_empty(), "{name}: console errors {console:?}");
    let drawn: Vec<String> = serde_json::from_str(
        b.script("return document.getElementById('map').dataset.layers")
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(drawn, layers, "{name}: overlays");
    assert_eq!(
        b.count(".leaflet-tile"),
        0,
        "{name}: no tile is fetched by default"
    );

    let before = b.count(selector);
    assert!(before > 0, "{name}: {overlay} draws nothing");
    let toggle = format!("//label[contains(., '{overlay}')]//input");
    // The layer's part of the legend goes and comes back with it.
    let legend_shown = || {
        b.script(&format!(
            "const p = document.querySelector('.lc-legend [data-layer=\"{overlay}\"]'); \
             return p ? p.style.display !== 'none' : null"
        ))
    };
    assert_eq!(legend_shown(), json!(true), "{name}: {overlay} legend");
    b.click(&toggle);
    assert_eq!(
        b.count(selector),
        0,
        "{name}: {overlay} still drawn when off"
    );
    assert_eq!(
        legend_shown(),
        json!(false),
        "{name}: {overlay} legend when off"
    );
    b.click(&toggle);
    assert_eq!(b.count(selector), before, "{name}: {overlay} back on");
    assert_eq!(legend_shown(), json!(true), "{name}: {overlay} legend back");

    let png = b.screenshot(name);
    assert_not_blank(&png, name);
    for width in [1000, 1920] {
        b.resize(width);
        let layout = b.script(LAYOUT);
        assert_eq!(
            layout["overlaps"],
            json!([]),
            "{name} at {width} px: overlaps"
        );
        assert!(
            layout["scroll"].as_u64() <= layout["width"].as_u64(),
            "{name} at {width} px: the page scrolls sideways ({layout})"
        );
        assert_eq!(
            layout["boxed"],
            json!([]),
            "{name} at {width} px: tables scroll inside their box"
        );
        if width == 1000 {
            b.screenshot(&format!("{name}-1000"));
        }
    }
}

#[test]
fn reports_work_in_headless_chromium() {
    let chromium = program(
        "LIFECIRCLE_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let chromedriver = program("LIFECIRCLE_CHROMEDRIVER", &["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let why = "headless Chromium and chromedriver are needed (Debian: `scripts/setup.sh --tests` \
                   installs chromium and chromium-driver; or set LIFECIRCLE_CHROMIUM and LIFECIRCLE_CHROMEDRIVER)";
        if std::env::var_os("CI").is_some() {
            panic!("{why}");
        }
        eprintln!("\n*** SKIPPED tests/browser.rs: {why} ***\n");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = |sub: &str| dir.path().join(sub).display().to_string();
    let geojson = out("plan.geojson");
    let plan: Value = serde_json::from_str(&lifecircle(&[
        "plan",
        "data/helsinki/demo.toml",
        "--json",
        "--geojson",
        &geojson,
        "--map",
        &out("plan"),
    ]))
    .unwrap();
    let gaps: Value = serde_json::from_str(&lifecircle(&[
        "gaps",
        "data/helsinki/demo.toml",
        "--json",
        "--map",
        &out("gaps"),
    ]))
    .unwrap();
    lifecircle(&[
        "compare",
        "data/helsinki/compare.toml",
        "--out",
        &out("compare"),
    ]);
    let b = Browser::open(&chromium, &chromedriver);

    // The plan: every demand point, facility and zone of the report is drawn.
    let page = dir.path().join("plan/report.html");
    check_page(
        &b,
        &page,
        "plan",
        &["Streets", "Residents", "Facilities", "Isochrones", "Zones"],
        "Residents",
        "path.lc-resident",
    );
    let f = b.features();
    let points = plan["demand"]["on_network"].as_u64().unwrap();
    let svc = &plan["services"][0];
    let sites = svc["existing"].as_array().unwrap().len() + svc["new"].as_array().unwrap().len();
    assert_eq!(f["Residents"], points);
    assert_eq!(b.count("path.lc-resident"), points);
    assert_eq!(f["Facilities"], sites);
    assert_eq!(b.count(".lc-site"), sites as u64);
    assert_eq!(
        b.count(".lc-new"),
        svc["new"].as_array().unwrap().len() as u64
    );
    assert_eq!(f["Isochrones"], 2, "existing and new");
    assert_eq!(f["Zones"], plan["demand"]["zones"]);
    assert_eq!(b.count("path.lc-zone"), 0, "zones start hidden on a plan");
    assert_eq!(
        f["Streets"].as_u64().unwrap() as usize,
        page_data(&page)["geos"][0]["streets"]
            .as_array()
            .unwrap()
            .len()
    );

    // The community map: a zone per zone of the gap table, coloured by stars.
    let page = dir.path().join("gaps/report.html");
    check_page(
        &b,
        &page,
        "gaps",
        &["Streets", "Residents", "Facilities", "Isochrones", "Zones"],
        "Zones",
        "path.lc-zone",
    );
    let zones = gaps["gaps"]["zones"].as_array().unwrap();
    assert_eq!(b.features()["Zones"], zones.len());
    // The service shown first has its existing facilities drawn, as many as
    // the gap table counts.
    let data = page_data(&page);
    let first = &data["variants"][0]["services"][0];
    let counted = gaps["gaps"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["category"] == first["key"])
        .unwrap()["facilities"]
        .as_u64()
        .unwrap();
    assert!(counted > 0, "{}", first["key"]);
    assert_eq!(b.features()["Facilities"], counted, "{}", first["key"]);
    assert_eq!(b.count("path.lc-zone"), zones.len() as u64);
    let stars = |z: &Value| z["stars"].as_u64().unwrap();
    let drawn_stars = &data["variants"][0]["metrics"][0]["values"];
    for (k, z) in data["geos"][0]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let row = zones.iter().find(|r| r["zone"] == z["zone"]).unwrap();
        assert_eq!(
            drawn_stars[k].as_f64().unwrap() as u64,
            stars(row),
            "{}",
            z["zone"]
        );
    }
    // The access choropleth: each zone's 2SFCA over the threshold, from the
    // report's access table.
    let access = gaps["access"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["service"] == first["key"])
        .unwrap();
    let threshold = access["threshold"].as_f64().unwrap();
    for (k, z) in data["geos"][0]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let row = access["zones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["zone"] == z["zone"])
            .unwrap();
        let drawn = first["zone_2sfca"][k].as_f64().unwrap();
        let expected = row["two_sfca"].as_f64().unwrap() / threshold;
        assert!(
            (drawn - expected).abs() <= 1e-12 * expected.max(1.0),
            "{}",
            z["zone"]
        );
    }

    // The comparison: the variant picker switches the map and the tables.
    let page = dir.path().join("compare/report.html");
    check_page(
        &b,
        &page,
        "compare",
        &["Streets", "Residents", "Facilities", "Isochrones", "Zones"],
        "Facilities",
        ".lc-site",
    );
    let data = page_data(&page);
    let variants = data["variants"].as_array().unwrap();
    assert!(variants.len() > 1);
    let last = variants.len() - 1;
    assert!(b.displayed("//section[@data-variant='0']"));
    b.click(&format!("//select[@id='variant']/option[@value='{last}']"));
    assert_eq!(
        b.script("return document.getElementById('map').dataset.variant"),
        last.to_string()
    );
    assert!(b.displayed(&format!("//section[@data-variant='{last}']")));
    assert!(!b.displayed("//section[@data-variant='0']"));
    let svc = &variants[last]["services"][0];
    let sites = svc["existing"].as_array().unwrap().len() + svc["new"].as_array().unwrap().len();
    assert_eq!(b.features()["Facilities"], sites);
    assert_eq!(b.count(".lc-site"), sites as u64);
    let console = b.console_errors();
    assert!(console.is_empty(), "compare: console errors {console:?}");
}
