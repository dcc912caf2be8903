/**
 * The start-up code of a worker thread running `entry` (a module beside `callerUrl`, named without
 * its extension). Built, it loads the .js file; run from the TypeScript sources (development and
 * tests, where a worker does not inherit the tsx loader), it registers tsx first.
 */
export function threadBootstrap(callerUrl: string, entry: string): string {
  const fromSources = callerUrl.endsWith('.ts');
  const file = JSON.stringify(new URL(`${entry}${fromSources ? '.ts' : '.js'}`, callerUrl).href);
  if (!fromSources) return `import(${file})`;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then((tsx) => tsx.register()).then(() => import(${file}))`;
}
