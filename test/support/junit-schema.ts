import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Jenkins xUnit plugin's JUnit (Surefire) schema; see test/fixtures/schemas/README.md. */
export const JUNIT_XSD = fileURLToPath(new URL('../fixtures/schemas/junit-10.xsd', import.meta.url));

/** xmllint's verdict on a junit.xml against junit-10.xsd: '' when it validates, else xmllint's complaints. */
export function junitSchemaErrors(xml: string): string {
  const run = spawnSync('xmllint', ['--noout', '--schema', JUNIT_XSD, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint could not run (${run.error.message}): install Debian's libxml2-utils`);
  return run.status === 0 ? '' : run.stderr.trim() || `xmllint exited ${run.status}`;
}
