"""What researchers do with a finished decomposition: harvest, graphs, circuits, interventions,
ONNX export. Every entry point starts from `load_run`."""
