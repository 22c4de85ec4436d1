//! The README's GitHub Actions job, run as written: each `run:` step under `bash -e` (the
//! shell GitHub uses), on a repository set up as the README says.

use std::path::Path;
use std::process::Command;

/// The `run:` steps of the YAML block after `<!-- ci-recipe -->`: (step name, script).
fn recipe_steps() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let at = readme
        .find("<!-- ci-recipe -->")
        .expect("the README marks its CI recipe");
    let block = &readme[at..];
    let block = &block[block.find("```yaml\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];
    let lines: Vec<&str> = block.lines().collect();
    let mut steps = Vec::new();
    let mut name = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        let indent = lines[i].len() - line.len();
        if let Some(n) = line.strip_prefix("- name: ") {
            name = n.to_string();
        } else if line.starts_with("- uses: ") {
            name.clear();
        }
        if let Some(run) = line.strip_prefix("run: ") {
            let script = match run {
                "|" => {
                    let mut body = Vec::new();
                    while i + 1 < lines.len() {
                        let next = lines[i + 1];
                        if next.len() - next.trim_start().len() <= indent {
                            break;
                        }
                        body.push(next.trim_start());
                        i += 1;
                    }
                    body.join("\n")
                }
                command => command.to_string(),
            };
            steps.push((name.clone(), script));
        }
        i += 1;
    }
    steps
}

fn bash(dir: &Path, script: &str) -> (Option<i32>, String) {
    let bin = assert_cmd::cargo::cargo_bin!();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("CI", "true")
        .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_readme_ci_job_passes_as_written_and_fails_on_a_new_difference() {
    let steps = recipe_steps();
    let names: Vec<&str> = steps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Install witness",
            "New differences from the official text",
            "Code scanning alerts",
            "Document snapshots",
            "The tracked files are the recorded ones",
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::create_dir(repo.join("docs")).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::copy(
        format!("{root}/corpus/000_3eb5e8de57179c45.txt"),
        repo.join("docs/official.txt"),
    )
    .unwrap();
    std::fs::copy(
        format!("{root}/corpus/004_74678af65d43f56c.txt"),
        repo.join("docs/transcription.txt"),
    )
    .unwrap();
    // "Once, on your machine" (CI unset so that the snapshot is written).
    let setup = "unset CI\n\
        witness accept diff docs/official.txt docs/transcription.txt\n\
        witness snapshot docs/transcription.txt || true\n\
        witness snapshot --accept\n\
        witness init\n\
        witness add docs/*.txt";
    let (code, out) = bash(repo, setup);
    assert_eq!(code, Some(0), "{out}");
    for (name, script) in &steps[1..] {
        let (code, out) = bash(repo, script);
        assert_eq!(code, Some(0), "{name}: {out}");
    }
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.join("witness.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 15);
    let summary = std::fs::read_to_string(repo.join("summary.md")).unwrap();
    assert!(summary.starts_with("## witness diff"), "{summary}");

    // A new difference in the transcription: the diff step, the snapshot and the check fail.
    let t = std::fs::read_to_string(repo.join("docs/transcription.txt")).unwrap();
    std::fs::write(
        repo.join("docs/transcription.txt"),
        t.replacen("弘扬“中国—中亚精神”", "弘扬“中国—中东精神”", 1),
    )
    .unwrap();
    let results: Vec<Option<i32>> = steps[1..]
        .iter()
        .map(|(_, script)| bash(repo, script).0)
        .collect();
    assert_eq!(results, [Some(1), Some(0), Some(1), Some(1)]);
    let (_, out) = bash(repo, &steps[1].1);
    assert!(
        out.starts_with(
            "::warning file=docs/transcription.txt,line=3,endLine=3,col=8,endColumn=9,\
             title=witness/variant/substitution::substitution: \"东\" here"
        ),
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::")).count(),
        1,
        "{out}"
    );
}
