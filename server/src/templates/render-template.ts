/**
 * The variables a template may use, written `{{contact.firstName}}` (spaces inside the braces are allowed):
 *
 * | variable            | value                                                            |
 * | ------------------- | ---------------------------------------------------------------- |
 * | `contact.name`      | the contact's name                                               |
 * | `contact.firstName` | the contact's first name, else the first word of their name      |
 * | `contact.lastName`  | the contact's last name                                          |
 * | `contact.email`     | the contact's e-mail                                             |
 * | `contact.phone`     | the contact's phone                                              |
 * | `operator.name`     | the name of the operator who inserts the template                |
 * | `operator.firstName`| the first word of that name                                      |
 * | `session.channel`   | `webchat`, `whatsapp` or `messenger`                             |
 * | `session.source`    | the channel account's name (the page, the number, the widget)    |
 */
export const TEMPLATE_VARIABLES = [
  'contact.name',
  'contact.firstName',
  'contact.lastName',
  'contact.email',
  'contact.phone',
  'operator.name',
  'operator.firstName',
  'session.channel',
  'session.source',
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string | null | undefined>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;

/** Variable names the body uses that are not in TEMPLATE_VARIABLES, each once, in order of appearance. */
export function unknownVariables(body: string): string[] {
  const unknown = new Set<string>();
  for (const [, name] of body.matchAll(PLACEHOLDER)) {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name!)) unknown.add(name!);
  }
  return [...unknown];
}

/**
 * Fills a template's variables. A variable without a value (or one this version does not know) becomes empty
 * text; anything that is not a well-formed `{{name}}` stays as written.
 */
export function renderTemplate(body: string, values: TemplateValues): string {
  return body.replace(PLACEHOLDER, (_match, name: string) => values[name as TemplateVariable] ?? '');
}

/** The first word of a name, for the `firstName` variables when nobody entered one. */
export function firstWord(name: string | null | undefined): string | null {
  return name?.trim().split(/\s+/)[0] || null;
}
