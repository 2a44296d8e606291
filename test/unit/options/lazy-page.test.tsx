// @vitest-environment happy-dom
import { act, Component, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LazyPageFrame, lazyPage } from '@/components/options/lazy-page';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Catches what the frame lets through, as the page would have no boundary above it. */
class Outer extends Component<{ children: ReactNode }, { caught: string | undefined }> {
  override state = { caught: undefined as string | undefined };
  static getDerivedStateFromError(error: unknown) {
    return { caught: error instanceof Error ? error.message : String(error) };
  }
  override render() {
    return this.state.caught ? <p data-testid="outer">{this.state.caught}</p> : this.props.children;
  }
}

let root: Root | undefined;
let container: HTMLElement;

async function show(node: ReactNode) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root!.render(<Outer>{node}</Outer>));
}

const testId = (id: string) => container.querySelector(`[data-testid="${id}"]`);

// React reports each caught error on the console: expected here.
vi.spyOn(console, 'error').mockImplementation(() => {});

afterEach(() => {
  act(() => root?.unmount());
  container.remove();
});

describe('lazy options pages', () => {
  it('shows a loading line until the page arrives, then the page', async () => {
    let arrive: (page: () => ReactNode) => void = () => {};
    const Page = lazyPage(() => new Promise<() => ReactNode>((resolve) => (arrive = resolve)));
    await show(
      <LazyPageFrame route="#/import">
        <Page />
      </LazyPageFrame>,
    );
    expect(testId('page-loading')?.textContent).toBe('Loading…');
    await act(async () => arrive(() => <p data-testid="page">Import</p>));
    expect(testId('page')?.textContent).toBe('Import');
    expect(testId('page-loading')).toBeNull();
  });

  it('says the page could not be loaded when its script does not arrive, and starts over on another route', async () => {
    const Broken = lazyPage<object>(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: chunks/team-page-x.js')));
    const Fine = lazyPage<object>(() => Promise.resolve(() => <p data-testid="page">Library</p>));
    await show(
      <LazyPageFrame route="#/team">
        <Broken />
      </LazyPageFrame>,
    );
    expect(testId('page-load-error')?.getAttribute('role')).toBe('alert');
    expect(testId('page-load-error')?.textContent).toContain('Failed to fetch dynamically imported module: chunks/team-page-x.js');
    expect(testId('outer')).toBeNull();

    await act(async () =>
      root!.render(
        <Outer>
          <LazyPageFrame route="#/library">
            <Fine />
          </LazyPageFrame>
        </Outer>,
      ),
    );
    expect(testId('page-load-error')).toBeNull();
    expect(testId('page')?.textContent).toBe('Library');
  });

  it('lets an error thrown while a page draws go on up, as it did before pages were fetched apart', async () => {
    const Throwing = lazyPage<object>(() =>
      Promise.resolve(() => {
        throw new Error('a bug in the page');
      }),
    );
    await show(
      <LazyPageFrame route="#/settings">
        <Throwing />
      </LazyPageFrame>,
    );
    expect(testId('page-load-error')).toBeNull();
    expect(testId('outer')?.textContent).toBe('a bug in the page');
  });
});
