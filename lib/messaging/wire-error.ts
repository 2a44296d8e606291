/** An error as it crosses a port: its name and code let the other side explain it in words. */
export interface WireError {
  name: string;
  code?: string;
  message: string;
}

export function wireErrorOf(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code: unknown = 'code' in error ? error.code : undefined;
  return { name: error.name, ...(typeof code === 'string' ? { code } : {}), message: error.message };
}
