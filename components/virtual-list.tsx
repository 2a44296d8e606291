import { defaultRangeExtractor, useWindowVirtualizer, type Range, type VirtualItem } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useState, type CSSProperties } from 'react';

export interface WindowListOptions {
  count: number;
  /** A typical row height in px; rows are measured once rendered, so this only sizes the unseen part. */
  estimateSize: number;
  getItemKey: (index: number) => string | number;
  /**
   * Rows kept beyond each edge of the viewport. Tabbing onto a row near the edge scrolls it into view,
   * which renders the next ones, so keyboard users walk the whole list without it ending early.
   */
  overscan?: number;
}

export interface RowProps {
  ref: (node: HTMLElement | null) => void;
  'data-index': number;
  'data-row-key': string;
  'aria-posinset': number;
  'aria-setsize': number;
  style: CSSProperties;
}

export interface WindowList {
  /** Put on the list element (`ol`/`ul`): its top is where the rows start in the document. */
  attach: (node: HTMLElement | null) => void;
  listStyle: CSSProperties;
  rows: VirtualItem[];
  /** Spread on each row element (`li`): it is measured, positioned, and numbered for assistive tech. */
  rowProps: (row: VirtualItem) => RowProps;
  scrollToIndex: (index: number, align?: 'start' | 'end') => void;
}

/**
 * Keeps only the rows near the viewport in the DOM while the document itself scrolls (the panel frame
 * and the options page both scroll as a whole, lists being one part among others). Rows stay real
 * `li` elements with `aria-posinset`/`aria-setsize`, so screen readers know where they are in the full list.
 */
export function useWindowList({ count, estimateSize, getItemKey, overscan = 8 }: WindowListOptions): WindowList {
  const [list, setList] = useState<HTMLElement | null>(null);
  const [scrollMargin, setScrollMargin] = useState(0);

  // Whatever sits above the list (alerts, an expanded step) moves it; the body's size changes with it.
  useLayoutEffect(() => {
    if (!list) return;
    const update = () => {
      const top = list.getBoundingClientRect().top + window.scrollY;
      setScrollMargin((current) => (Math.abs(current - top) < 1 ? current : top));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [list]);

  // The row holding focus (a note being edited, a confirmation) stays mounted when scrolled away, so
  // neither the focus nor a half-written edit is lost.
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  useEffect(() => {
    if (!list) return;
    const rowKeyOf = (target: EventTarget | null) =>
      target instanceof Element ? (target.closest('[data-row-key]')?.getAttribute('data-row-key') ?? null) : null;
    const onFocusIn = (event: FocusEvent) => setFocusedKey(rowKeyOf(event.target));
    const onFocusOut = (event: FocusEvent) => setFocusedKey(rowKeyOf(event.relatedTarget));
    list.addEventListener('focusin', onFocusIn);
    list.addEventListener('focusout', onFocusOut);
    return () => {
      list.removeEventListener('focusin', onFocusIn);
      list.removeEventListener('focusout', onFocusOut);
    };
  }, [list]);
  let focusedIndex = -1;
  if (focusedKey !== null) for (let i = 0; i < count && focusedIndex < 0; i++) if (String(getItemKey(i)) === focusedKey) focusedIndex = i;
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (focusedIndex < 0 || indexes.includes(focusedIndex)) return indexes;
      return [...indexes, focusedIndex].sort((a, b) => a - b);
    },
    [focusedIndex],
  );

  const virtualizer = useWindowVirtualizer<HTMLElement>({
    count,
    estimateSize: () => estimateSize,
    getItemKey,
    overscan,
    scrollMargin,
    rangeExtractor,
    // React 19 warns about flushSync inside render-phase updates; a frame's delay is invisible here.
    useFlushSync: false,
  });

  const rowProps = useCallback(
    (row: VirtualItem): RowProps => ({
      ref: virtualizer.measureElement,
      'data-index': row.index,
      'data-row-key': String(row.key),
      'aria-posinset': row.index + 1,
      'aria-setsize': count,
      style: { position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${row.start - scrollMargin}px)` },
    }),
    [virtualizer, count, scrollMargin],
  );

  return {
    attach: setList,
    listStyle: { position: 'relative', height: virtualizer.getTotalSize() },
    rows: virtualizer.getVirtualItems(),
    rowProps,
    scrollToIndex: (index, align = 'start') => virtualizer.scrollToIndex(index, { align }),
  };
}
