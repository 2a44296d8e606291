import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Alert, Button } from '@/components/ui';

/**
 * The options page draws its first screen (the library) with what that screen needs; every other
 * page is its own script, fetched when a person opens it (the editor with the Markdown renderer, the
 * import with the YAML parser, the team pages with PouchDB). README "Performance" has the figures.
 */

/** A page's script did not arrive (an extension updated under an open tab, a disk error): not a bug in the page. */
export class PageLoadError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'PageLoadError';
  }
}

/** A page component fetched the first time it is drawn; a failed fetch becomes a `PageLoadError`. */
export function lazyPage<Props extends object>(load: () => Promise<ComponentType<Props>>): ComponentType<Props> {
  return lazy(() =>
    load().then(
      (page) => ({ default: page }),
      (error: unknown) => {
        throw new PageLoadError(error);
      },
    ),
  );
}

interface BoundaryState {
  error: unknown;
  /** The route whose page failed: opening another one starts over. */
  route: string;
}

/**
 * Shows a page whose script may still be on its way ("Loading…") or may never arrive (an error and a
 * way to try again). Only a failed fetch is caught here: an error thrown while a page draws goes on
 * up as before. The pages inside stay mounted as the route changes (as they were without it).
 */
export class LazyPageFrame extends Component<{ route: string; children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: undefined, route: this.props.route };

  static getDerivedStateFromProps(props: { route: string }, state: BoundaryState): Partial<BoundaryState> | null {
    return props.route === state.route ? null : { error: undefined, route: props.route };
  }

  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { error };
  }

  override render() {
    const failed = this.state.error;
    // Thrown from the boundary's own render, an error goes to the boundary above it (none: as before).
    if (failed !== undefined && !(failed instanceof PageLoadError)) throw failed;
    if (failed) {
      // The browser keeps a module that failed to load as failed until the page is loaded again.
      return (
        <Alert tone="error" data-testid="page-load-error">
          <p>This page could not be loaded: {failed.message}</p>
          <p className="mt-1">Reload the options page to try again; nothing you saved is lost.</p>
          <Button size="sm" className="mt-2" onClick={() => window.location.reload()}>
            Reload
          </Button>
        </Alert>
      );
    }
    return (
      <Suspense
        fallback={
          <p role="status" data-testid="page-loading">
            Loading…
          </p>
        }
      >
        {this.props.children}
      </Suspense>
    );
  }
}
