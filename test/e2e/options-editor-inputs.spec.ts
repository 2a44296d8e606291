import { openOptions, pageErrors } from './options-support';
import { expect, test } from './support/extension';

/**
 * The editor's inputs: a lead adds an input in plain words and puts it into a step with "Insert an
 * input" (no code name typed); a `{{input.x}}` the workflow does not declare is flagged, in words,
 * before any save.
 */
test('a lead adds an input, inserts it into a step without typing its name, and an unknown input is flagged before saving', async ({ context, extensionId }) => {
  const page = await openOptions(context, extensionId, '#/library/new');
  const editor = page.getByTestId('workflow-editor');
  await editor.getByTestId('workflow-name').fill('Customer reply');

  await editor.getByTestId('add-input').click();
  const input = editor.getByTestId('editor-input').first();
  await input.getByTestId('input-label').fill('Customer name');
  await input.getByTestId('input-required').check();
  await expect(input).toContainText('{{input.customer-name}}');

  const step = editor.getByTestId('editor-step').first();
  await step.getByTestId('step-title').fill('Draft the reply');
  const instructions = step.getByTestId('step-instructions');
  await instructions.fill('Write a friendly reply to .');
  // The caret just before the full stop: the input goes where the person is writing.
  await instructions.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(el.value.length - 1, el.value.length - 1));
  await step.getByTestId('insert-input').selectOption({ label: 'Customer name' });
  await expect(instructions).toHaveValue('Write a friendly reply to {{input.customer-name}}.');
  await expect(editor.getByTestId('field-error')).toHaveCount(0);

  // A code name that does not exist, typed by hand: flagged beside the field when the person leaves it.
  await instructions.fill('Write a friendly reply to {{input.customer-name}} about {{input.order}}.');
  await step.getByTestId('step-title').focus();
  const flagged = step.getByTestId('field-error');
  await expect(flagged).toContainText('{{input.order}} uses an input this workflow does not have');
  await expect(flagged).toContainText('Add an input named “order” under Inputs');
  await expect(page.getByTestId('save-status')).toHaveCount(0);

  // Saving is refused while it stands; fixed, the workflow saves with its input.
  await editor.getByTestId('save-workflow').click();
  await expect(editor.getByTestId('editor-issues')).toContainText('{{input.order}}');
  await instructions.fill('Write a friendly reply to {{input.customer-name}}.');
  await editor.getByTestId('save-workflow').click();
  await expect(page).toHaveURL(/#\/library\/customer-reply\/edit$/);
  await expect(page.getByTestId('editor-step').first().getByTestId('step-instructions')).toHaveValue('Write a friendly reply to {{input.customer-name}}.');
  await expect(page.getByTestId('editor-input').first().getByTestId('input-label')).toHaveValue('Customer name');
  expect(pageErrors(page)).toEqual([]);
});
