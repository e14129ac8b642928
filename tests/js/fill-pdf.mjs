// Fill a PDF form with pdf.js (the engine of Firefox's PDF viewer) and save it, as a user
// filling the form in Firefox would: values go through the annotation storage and
// saveDocument() writes them (an incremental update, as the viewer's "Save" does).
//
//   node fill-pdf.mjs FORM.pdf VALUES.json OUT.pdf
//
// VALUES.json maps field names to values: text for text fields, the export value for a
// choice field. A field name the form does not have is an error (exit 1).
import { readFile, writeFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const [input, valuesPath, output] = process.argv.slice(2);
if (!output) {
  console.error("usage: node fill-pdf.mjs FORM.pdf VALUES.json OUT.pdf");
  process.exit(2);
}
const data = new Uint8Array(await readFile(input));
const values = JSON.parse(await readFile(valuesPath, "utf8"));
const doc = await getDocument({ data, isEvalSupported: false, verbosity: 0 }).promise;
const fields = (await doc.getFieldObjects()) ?? {};
const missing = Object.keys(values).filter((name) => !(name in fields));
if (missing.length) {
  console.error(`the form has no field named ${missing.join(", ")}`);
  process.exit(1);
}
for (const [name, value] of Object.entries(values)) {
  for (const widget of fields[name]) {
    if (widget.id) {
      doc.annotationStorage.setValue(widget.id, { value });
    }
  }
}
const saved = await doc.saveDocument();
await writeFile(output, saved);
await doc.destroy();
