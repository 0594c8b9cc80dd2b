/** Where the server serves a file of a stored run's report (`path` relative to the run's folder). */
export function storedFileLink(runId: string, path: string): string {
  return `/runs/${runId}/${path.split(/[\\/]/).map(encodeURIComponent).join('/')}`;
}
