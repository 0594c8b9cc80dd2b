import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { beforeCommandFailure, featureScript, fillCommand } from '../../src/attempt/feature-script.js';
import { shellQuote } from '../../src/util/shell-quote.js';

const sh = (script: string) => {
  try {
    return {
      code: 0,
      out: execFileSync('sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: e.stdout, err: e.stderr };
  }
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
  it('runs the before-command in the same shell as the command', () => {
    const script = featureScript({
      command: 'echo "$GREETING" {file}',
      files: ['x.feature'],
      reportPath: '/tmp/baleen-test/r.json',
      beforeCommand: 'export GREETING=hi',
    });
    expect(sh(script)).toMatchObject({ code: 0, out: 'hi ./x.feature\n' });
  });

  it('reports a failing before-command with its exit code and does not run the command', () => {
    const script = featureScript({
      command: 'echo ran',
      files: ['x.feature'],
      reportPath: '/tmp/baleen-test/r.json',
      beforeCommand: 'exit 7',
    });
    const result = sh(script);
    expect(result.code).toBe(7);
    expect(result.out).toBe('');
    expect(beforeCommandFailure(result.err ?? '')).toBe(7);
  });

  it('reports a before-command that exits the shell, even with 0', () => {
    const result = sh(
      featureScript({
        command: 'echo ran',
        files: ['x'],
        reportPath: '/tmp/baleen-test/r.json',
        beforeCommand: 'false',
      }),
    );
    expect(result.code).toBe(1);
    expect(beforeCommandFailure(result.err ?? '')).toBe(1);
    const exited = sh(
      featureScript({
        command: 'echo ran',
        files: ['x'],
        reportPath: '/tmp/baleen-test/r.json',
        beforeCommand: 'exit 0',
      }),
    );
    expect(exited.out).toBe('');
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
