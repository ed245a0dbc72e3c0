"""The NLI judge: the cross-encoder model (``nli_model``), its runtimes (``backends``) and the readings of a
passage it is asked about (``readings``)."""
