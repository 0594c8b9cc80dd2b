import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { xmlSafe } from '../../util/text.js';

/** An element of an XML document being written; every value it is given is made XML-safe first. */
export interface XmlElement {
  ele(name: string, attributes?: Record<string, string>): XmlElement;
  att(attributes: Record<string, string>): XmlElement;
  txt(text: string): XmlElement;
  /** The whole document, pretty-printed. */
  end(): string;
}

/**
 * The one writer of baleen's XML files (junit.xml and the start failure's): a suite's names, file names,
 * messages and output reach it as they are, and every attribute and text value goes through xmlSafe (colour
 * codes and the characters XML 1.0 cannot hold, even escaped, removed) before xmlbuilder2 escapes `<`, `&`
 * and quotes. Whatever a caller forgot, no value can make the document one an XML parser refuses.
 */
export function xmlDocument(root: string, attributes: Record<string, string> = {}): XmlElement {
  // invalidCharReplacement: the library's own net under xmlSafe (it keeps invalid characters by default).
  return wrap(create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' }).ele(root, safe(attributes)));
}

function wrap(node: XMLBuilder): XmlElement {
  return {
    ele: (name, attributes = {}) => wrap(node.ele(name, safe(attributes))),
    att: (attributes) => wrap(node.att(safe(attributes))),
    txt: (text) => wrap(node.txt(xmlSafe(text))),
    end: () => node.end({ prettyPrint: true }),
  };
}

function safe(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, xmlSafe(value)]));
}
