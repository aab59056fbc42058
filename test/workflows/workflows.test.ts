/**
 * The GitHub Actions workflows validate against the upstream workflow schema (SchemaStore's
 * github-workflow.json, compiled into @action-validator/core), and keep the properties their
 * headers promise: fork-safe plan diffs, previews and rotations per stack with concurrency,
 * a pinned Pulumi CLI new enough for replacementTrigger, actions pinned to commit SHAs.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import semver from "semver";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { addBillingCaller } from "../support/stack-edits";

const ROOT = path.resolve(__dirname, "../..");
const DIR = path.join(ROOT, ".github/workflows");
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
/** The repository's stacks: one per Pulumi.<stack>.yaml next to Pulumi.yaml. */
const STACKS = fs.readdirSync(ROOT).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []).sort();

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string> | string;
  environment?: string;
  strategy?: { matrix?: { stack?: string[] } };
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const pulumiSteps = (wf: Workflow) => steps(wf).filter((s) => s.uses?.startsWith("pulumi/actions@"));

it("the workflows are the four of the PR and rotation story", () => {
  expect(FILES).toEqual(["plan-diff-comment.yml", "plan-diff.yml", "preview.yml", "rotate.yml"]);
});

describe.each(FILES)("%s", (file) => {
  it("validates against the upstream GitHub workflow schema", () => {
    expect(validateWorkflow(text(file)).errors).toEqual([]);
  });

  it("pins every action to a full commit SHA, with the version as a comment", () => {
    for (const line of text(file).split("\n").filter((l) => /^\s*(- )?uses:/.test(l))) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it("is never triggered by pull_request_target", () => {
    expect(Object.keys(load(file).on)).not.toContain("pull_request_target");
  });
});

it("the validator rejects a malformed workflow (the check can fail)", () => {
  expect(validateWorkflow("on: push\njobs:\n  build:\n    steps: run this\n").errors.length).toBeGreaterThan(0);
});

describe("plan-diff.yml: the offline diff on every pull request", () => {
  const wf = load("plan-diff.yml");

  it("runs on pull_request with a read-only token and uses no secret", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(wf.jobs)) expect(job.permissions).toBeUndefined();
    expect(text("plan-diff.yml")).not.toMatch(/secrets\./);
  });

  it("plans every stack file with --base against the base branch and writes the job summary", () => {
    const run = steps(wf).map((s) => s.run ?? "").join("\n");
    expect(run).toMatch(/for file in Pulumi\.\*\.yaml/);
    expect(run).toMatch(/npm run --silent plan -- --stack "\$stack" --base "\$base"/);
    expect(run).toMatch(/GITHUB_STEP_SUMMARY/);
    expect(steps(wf).find((s) => s.uses?.startsWith("actions/checkout@"))?.with).toMatchObject({ "fetch-depth": 0, "persist-credentials": false });
  });

  it("hands the comment and the PR number to the commenting workflow as an artifact", () => {
    const upload = steps(wf).find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with?.name).toBe("plan-diff");
    expect(String(upload?.with?.path)).toMatch(/comment\.md[\s\S]*pr-number/);
  });
});

describe("plan-diff-comment.yml: one sticky comment, without running PR code", () => {
  const wf = load("plan-diff-comment.yml");

  it("runs after the plan diff workflow completes, with only the permissions it needs", () => {
    expect(wf.on).toEqual({ workflow_run: { workflows: [load("plan-diff.yml").name], types: ["completed"] } });
    expect(wf.permissions).toEqual({});
    expect(Object.values(wf.jobs).map((j) => j.permissions)).toEqual([{ actions: "read", "pull-requests": "write" }]);
  });

  it("never checks out or executes the pull request's code", () => {
    expect(steps(wf).some((s) => s.uses?.startsWith("actions/checkout@"))).toBe(false);
    expect(text("plan-diff-comment.yml")).not.toMatch(/npm |npx |node /);
  });

  it("accepts only a numeric PR number whose head is the planned commit, and keeps one comment per PR", () => {
    const run = steps(wf).map((s) => s.run ?? "").join("\n");
    expect(run).toMatch(/\^\[0-9\]\+\$/);
    expect(run).toMatch(/\.head\.sha/);
    const sticky = steps(wf).find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"));
    expect(sticky?.with).toMatchObject({ header: "edge-mtls-plan-diff", path: "plan-diff/comment.md" });
  });
});

describe("preview.yml: pulumi preview --diff per stack when credentials exist", () => {
  const wf = load("preview.yml");
  const job = Object.values(wf.jobs)[0] as Job;

  it("covers every stack of the repository, each with its own environment and concurrency group", () => {
    expect([...(job.strategy?.matrix?.stack ?? [])].sort()).toEqual(STACKS);
    expect(job.environment).toBe("${{ matrix.stack }}");
    expect(job.concurrency?.group).toMatch(/\$\{\{ matrix\.stack \}\}/);
  });

  it("skips fork pull requests and stacks without credentials", () => {
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    for (const s of job.steps.slice(1)) expect(s.if).toBe("steps.creds.outputs.present == 'true'");
  });

  it("runs pulumi/actions preview with a rich diff, one edited PR comment, and a pinned CLI >= 3.215.0", () => {
    const [step] = pulumiSteps(wf);
    expect(step?.with).toMatchObject({ command: "preview", "stack-name": "${{ matrix.stack }}", diff: true, "comment-on-pr": true, "edit-pr-comment": true });
    expect(semver.valid(String(step?.with?.["pulumi-version"]))).not.toBeNull();
    expect(semver.gte(String(step?.with?.["pulumi-version"]), "3.215.0")).toBe(true);
  });
});

describe("rotate.yml: the daily pulumi up that rotates certificates", () => {
  const wf = load("rotate.yml");
  const job = Object.values(wf.jobs)[0] as Job;

  it("runs daily on a schedule and on demand", () => {
    expect(wf.on).toHaveProperty("workflow_dispatch");
    const [cron] = (wf.on.schedule as { cron: string }[]).map((s) => s.cron);
    expect(cron?.split(" ").slice(2)).toEqual(["*", "*", "*"]);
  });

  it("updates every stack, one update per stack at a time, never cancelling a running one", () => {
    expect([...(job.strategy?.matrix?.stack ?? [])].sort()).toEqual(STACKS);
    expect(job.concurrency).toEqual({ group: "pulumi-up-${{ matrix.stack }}", "cancel-in-progress": false });
  });

  it("runs pulumi up without --refresh on a pinned CLI >= 3.215.0", () => {
    const [step] = pulumiSteps(wf);
    expect(step?.with).toMatchObject({ command: "up", "stack-name": "${{ matrix.stack }}", refresh: false });
    expect(semver.gte(String(step?.with?.["pulumi-version"]), "3.215.0")).toBe(true);
  });

  it("notifies on failure with an issue", () => {
    const notify = job.steps.find((s) => s.if === "failure()");
    expect(notify?.run).toMatch(/gh issue (create|comment)/);
    expect(job.permissions).toMatchObject({ issues: "write" });
  });
});

describe("plan-diff.yml's script, run on a pull request's merge commit", () => {
  it("writes one comment with each stack's diff as a summary line, the job summary and the PR number", async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mtls-plan-diff-wf-"));
    try {
      for (const f of ["components", "engine", "stacks", "Pulumi.yaml", "Pulumi.dev.yaml", "tsconfig.json", "package.json"]) fs.cpSync(path.join(ROOT, f), path.join(repo, f), { recursive: true });
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
      fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\nout\nplan-*.log\nplan-diff\n");
      const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { encoding: "utf8" });
      git("init", "-q", "-b", "main");
      git("add", "-A");
      git("commit", "-qm", "base");
      git("checkout", "-qb", "pr");
      const stackFile = path.join(repo, "Pulumi.dev.yaml");
      addBillingCaller(stackFile);
      git("commit", "-qam", "orders: allow caller billing");
      // GitHub's refs/pull/N/merge: the base branch merged with the PR, base first.
      git("checkout", "-q", "main");
      git("merge", "-q", "--no-ff", "-m", "merge", "pr");
      const script = steps(load("plan-diff.yml")).find((s) => s.id === "plan")?.run ?? "";
      const summary = path.join(repo, "summary.md");
      const output = path.join(repo, "output.txt");
      const env = { ...process.env, PR_NUMBER: "42", GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output };
      await new Promise<void>((resolve, reject) => execFile("bash", ["-e", "-c", script], { cwd: repo, env, timeout: 240_000 }, (err) => (err ? reject(new Error(err.message)) : resolve())));
      const comment = fs.readFileSync(path.join(repo, "plan-diff/comment.md"), "utf8");
      expect(comment).toMatch(/^## Offline plan diff/);
      expect(comment).toMatch(/<details><summary>plan dev: \d+ to add, \d+ to update<\/summary>/);
      expect(comment).toContain("**billing-ca-client-cert**");
      expect(fs.readFileSync(summary, "utf8")).toBe(comment);
      expect(fs.readFileSync(path.join(repo, "plan-diff/pr-number"), "utf8")).toBe("42\n");
      expect(fs.readFileSync(output, "utf8")).toContain("status=0");
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  }, 300_000);
});
