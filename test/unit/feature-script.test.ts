import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingFeatureProblem } from '../../src/attempt/missing-feature.js';
import {
  BEFORE_COMMAND_FAILED,
  beforeCommandExit,
  featureScript,
  fillCommand,
} from '../../src/attempt/feature-script.js';
import { createReportChannel } from '../../src/attempt/report-channel.js';
import { shellQuote } from '../../src/util/shell-quote.js';

/** A folder holding the features the scripts below are given (x.feature, x), as an image's WORKDIR would. */
const suite = mkdtempSync(join(tmpdir(), 'baleen-feature-script-'));
for (const file of ['x.feature', 'x']) writeFileSync(join(suite, file), 'Feature: x\n');
afterAll(() => rmSync(suite, { recursive: true, force: true }));

const sh = (script: string, cwd = suite) => {
  const ran = spawnSync('sh', ['-c', script], { encoding: 'utf8', cwd });
  return { code: ran.status, out: ran.stdout, err: ran.stderr };
};

describe('shellQuote', () => {
  it.each([
    'plain.feature',
    'with space.feature',
    'café ünïcode.feature',
    "it's.feature",
    '$(rm -rf /).feature',
    'a"b`c',
  ])('passes %s through sh as one word', (value) => {
    expect(sh(`printf '%s' ${shellQuote(value)}`).out).toBe(value);
  });
});

describe('fillCommand', () => {
  it('fills {file} and {report} quoted, every time they occur', () => {
    expect(fillCommand('run {file} --out {report} # {file}', { files: ['a b.feature'], report: '/tmp/r.json' })).toBe(
      "run './a b.feature' --out /tmp/r.json # './a b.feature'",
    );
  });

  it('fills the template in one pass: a {report} inside the file name stays part of the name', () => {
    expect(fillCommand('run {file} --out {report}', { files: ['x{report}.feature'], report: '/tmp/r.json' })).toBe(
      "run './x[{]report[}].feature' --out /tmp/r.json",
    );
  });
});

describe('fillCommand with a batch', () => {
  it('fills {files} with every feature, each quoted and literal to cucumber-js', () => {
    expect(
      fillCommand('run {files} --out {report}', {
        files: ['a b.feature', 'c*.feature', '/abs/d.feature'],
        report: '/tmp/r.json',
      }),
    ).toBe("run './a b.feature' './c[*].feature' /abs/d.feature --out /tmp/r.json");
  });

  it('fills {files} with the one feature of a job that is no batch', () => {
    expect(fillCommand('run {files}', { files: ['a.feature'], report: '/r' })).toBe('run ./a.feature');
  });

  it('refuses {file} for several features: it names one', () => {
    expect(() => fillCommand('run {file}', { files: ['a.feature', 'b.feature'], report: '/r' })).toThrow(/\{files\}/);
  });
});

describe('featureScript', () => {
  // The before-command's failure as baleen reads it: framed on the channel, the rest of stderr the user's.
  const withBefore = (beforeCommand: string, command = 'echo ran') => {
    const beforeChannel = createReportChannel('0123abcd', 64, 'before');
    const result = sh(
      featureScript({
        command,
        files: ['x.feature'],
        reportPath: '/tmp/baleen-test/r.json',
        beforeCommand,
        beforeChannel,
      }),
    );
    const stderr = Buffer.concat([beforeChannel.filter(Buffer.from(result.err ?? '')), beforeChannel.flush()]);
    return { ...result, stderr: stderr.toString(), before: beforeCommandExit(beforeChannel) };
  };

  it('runs the before-command in the same shell as the command', () => {
    expect(withBefore('export GREETING=hi', 'echo "$GREETING" {file}')).toMatchObject({
      code: 0,
      out: 'hi ./x.feature\n',
      before: undefined,
    });
  });

  it('reports a failing before-command with its exit code on its channel, and does not run the command', () => {
    const result = withBefore('exit 7');
    expect(result).toMatchObject({ code: 7, out: '', before: 7 });
    // People reading the log see it said; the framed code is not theirs.
    expect(result.stderr).toBe(`${BEFORE_COMMAND_FAILED} 7\n`);
  });

  it('reports a before-command that exits the shell, even with 0', () => {
    expect(withBefore('false')).toMatchObject({ code: 1, before: 1 });
    expect(withBefore('exit 0')).toMatchObject({ out: '', before: 0 });
  });

  it('tells nothing when the command prints what a failed before-command prints', () => {
    const result = withBefore('true', `echo '${BEFORE_COMMAND_FAILED} 0' >&2`);
    expect(result).toMatchObject({ before: undefined, stderr: `${BEFORE_COMMAND_FAILED} 0\n` });
  });

  it('says on stderr when the working directory lacks a feature, and the judge names it (issue 21, case 6)', () => {
    const script = featureScript({
      command: 'true',
      files: ['x.feature', 'gone.feature'],
      reportPath: '/tmp/baleen-test/r.json',
    });
    const { err } = sh(script);
    expect(missingFeatureProblem(err, 'x.feature')).toBeUndefined();
    expect(missingFeatureProblem(err, 'gone.feature')).toBe(
      `the image has no ${suite}/gone.feature (gone.feature under the working directory ${suite}): run baleen from the folder the image holds as ${suite}, so that --files names the same paths in both, or build the image with it`,
    );
  });

  it('passes the command exit code through', () => {
    expect(sh(featureScript({ command: 'exit 3', files: ['x'], reportPath: '/tmp/baleen-test/r.json' })).code).toBe(3);
  });
});

describe('fillCommand {tags}', () => {
  it('hands the tag expression to the runner as one quoted --tags argument, and nothing without one', () => {
    expect(fillCommand('run {file}{tags}', { files: ['a.feature'], report: '/r', tags: "@a and not @b's" })).toBe(
      `run ./a.feature --tags '@a and not @b'\\''s'`,
    );
    expect(fillCommand('run {file}{tags}', { files: ['a.feature'], report: '/r' })).toBe('run ./a.feature');
  });
});
