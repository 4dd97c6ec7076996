"""The decomposition server: a FastAPI app behind bearer-token auth, run by uvicorn."""
