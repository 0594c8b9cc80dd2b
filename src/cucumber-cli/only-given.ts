import { shellQuote } from '../util/shell-quote.js';

/**
 * The cucumber-js plugin (12.5 and later) that keeps a run to the feature files it was given: cucumber-js 8 to
 * 13 adds the `paths` of the suite's configuration to those of its command line (12.7+ warns that a later
 * major will stop), so a container handed one feature would run the whole suite. The plugin drops every
 * pickle of another file before the run starts; the configuration is otherwise untouched. It travels as a
 * `data:` module, so the container needs no file of baleen's.
 */
function onlyGivenPlugin(files: readonly string[]): string {
  return [
    'import{relative,resolve}from"node:path";',
    `const given=${JSON.stringify(files)};`,
    'export default{type:"plugin",coordinator({transform,environment:{cwd}}){',
    'const keep=new Set(given.map((file)=>relative(cwd,resolve(cwd,file))));',
    'transform("pickles:filter",(pickles)=>pickles.filter(({pickle})=>keep.has(pickle.uri)));}};',
  ].join('');
}

/** The words `{only}` becomes: the plugin above for these feature paths, one shell-quoted `--plugin` option. */
export function onlyGivenArgument(files: readonly string[]): string {
  return ` --plugin ${shellQuote(`data:text/javascript,${encodeURIComponent(onlyGivenPlugin(files))}`)}`;
}

/** The first cucumber-js with external plugins, which `{only}` needs. */
export const PLUGINS_SINCE = { major: 12, minor: 5 } as const;

/** Whether a cucumber-js version (`12.9.0`) takes `--plugin`. */
export function takesPlugins(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > PLUGINS_SINCE.major || (major === PLUGINS_SINCE.major && minor >= PLUGINS_SINCE.minor);
}
