import { baseKeymap, chainCommands, createParagraphNear, liftEmptyBlock, newlineInCode, splitBlock } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { Schema } from 'prosemirror-model';
import { schema as basicSchema } from 'prosemirror-schema-basic';
import { EditorState, Plugin } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { internalChange, strictInputPlugin } from './strict-input';

/** ChatGPT's composer schema is plain paragraphs and hard breaks (Markdown is typed, not formatted). */
const schema = new Schema({
  nodes: {
    doc: basicSchema.spec.nodes.get('doc')!,
    paragraph: basicSchema.spec.nodes.get('paragraph')!,
    text: basicSchema.spec.nodes.get('text')!,
    hard_break: basicSchema.spec.nodes.get('hard_break')!,
  },
  marks: {},
});

export function editorTextOf(state: EditorState): string {
  return state.doc.textBetween(0, state.doc.content.size, '\n', '\n');
}

function placeholderPlugin(text: string): Plugin {
  return new Plugin({
    props: {
      decorations(state) {
        const { doc } = state;
        if (doc.childCount !== 1 || doc.firstChild!.content.size > 0) return null;
        return DecorationSet.create(doc, [
          Decoration.node(0, doc.firstChild!.nodeSize, { class: 'placeholder', 'data-placeholder': text }),
        ]);
      },
    },
  });
}

export interface ProseMirrorComposer {
  view: EditorView;
  text(): string;
  clear(): void;
}

/**
 * A real ProseMirror editor mounted on `mount` (which keeps its id, role and data attributes).
 * Enter submits when `onEnter` returns true; Shift+Enter starts a new paragraph.
 */
export function createProseMirrorComposer(
  mount: HTMLElement,
  options: { placeholder: string; onChange: (text: string) => void; onEnter: () => boolean },
): ProseMirrorComposer {
  const state = EditorState.create({
    schema,
    plugins: [
      strictInputPlugin(),
      placeholderPlugin(options.placeholder),
      keymap({
        Enter: () => options.onEnter(),
        'Shift-Enter': chainCommands(newlineInCode, createParagraphNear, liftEmptyBlock, splitBlock),
      }),
      keymap(baseKeymap),
    ],
  });
  const view = new EditorView({ mount }, {
    state,
    dispatchTransaction(tr) {
      const next = view.state.apply(tr);
      view.updateState(next);
      if (tr.docChanged) options.onChange(editorTextOf(next));
    },
  });
  return {
    view,
    text: () => editorTextOf(view.state),
    clear() {
      const { tr, doc } = view.state;
      view.dispatch(tr.replaceWith(0, doc.content.size, schema.nodes.paragraph!.create()).setMeta(internalChange, true));
    },
  };
}
