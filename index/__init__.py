"""Pure retrieval: ingest, chunk, analyze, BM25 engine and store. Imports nothing from bot/."""
