// VITE_API_BASE_URL may list several candidates separated by commas (the launcher's 8000 and its 8010
// fallback); discovery picks the first that answers correctly. Empty means the page's own origin, which is
// the case when FastAPI serves the production build. Validated by hand rather than with zod: this file is
// in the entry chunk, whose budget a schema library would take a fifth of.
function parseCandidates(raw: string | undefined): { candidates: string[]; problem: string | null } {
  const candidates = (raw ?? "")
    .split(",")
    .map((candidate) => candidate.trim().replace(/\/+$/, ""))
    .filter((candidate) => candidate.length > 0);
  for (const candidate of candidates) {
    let url: URL | null = null;
    try {
      url = new URL(candidate);
    } catch {
      url = null;
    }
    if (!url || !["http:", "https:"].includes(url.protocol)) {
      return { candidates: [], problem: `VITE_API_BASE_URL: "${candidate}" is not an http(s) URL` };
    }
  }
  return { candidates, problem: null };
}

const parsed = parseCandidates(import.meta.env.VITE_API_BASE_URL as string | undefined);

export const envProblem: string | null = parsed.problem;
export const apiBaseCandidates: string[] = parsed.candidates;
export { parseCandidates };
