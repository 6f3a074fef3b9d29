{
  "targets": [
    {
      "target_name": "fdutil",
      "sources": ["native/fdutil.c"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
