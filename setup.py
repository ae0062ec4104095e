"""The build: the package as pyproject.toml declares it, its rules, and three optional compiled modules.

cleaner/_speedups.pyx, cleaner/_dedup_kernels.pyx and cleaner/_textcore.pyx are compiled where a C compiler is
found. Where none is,
`optional=True` lets the install go on without them, and cleaner runs the pure-Python twins in
cleaner/_speedups_pure.py, cleaner/_dedup_kernels_pure.py and cleaner/_textcore_pure.py, which give the same bytes.
The rules live in patterns/ at the top of the repository and ship inside the wheel as cleaner/patterns; an
editable install reads them where they are (`cleaner.rules.default_patterns_dir`).
"""

from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_py import build_py

DIRECTIVES = {"language_level": 3, "boundscheck": False, "wraparound": False, "cdivision": True}


class BuildWithPatterns(build_py):
    """The package, plus patterns/*.toml copied in as cleaner/patterns."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib, "cleaner", "patterns")
        self.mkpath(str(target))
        for rules in sorted(Path("patterns").glob("*.toml")):
            self.copy_file(str(rules), str(target / rules.name))


extensions = cythonize([Extension("cleaner._speedups", ["cleaner/_speedups.pyx"]),
                         Extension("cleaner._dedup_kernels", ["cleaner/_dedup_kernels.pyx"], depends=["cleaner/_line_text.pxi"]),
                         Extension("cleaner._textcore", ["cleaner/_textcore.pyx"], depends=["cleaner/_line_text.pxi"])], compiler_directives=DIRECTIVES)
for extension in extensions:
    extension.optional = True  # set after cythonize, which builds new Extension objects
setup(ext_modules=extensions, cmdclass={"build_py": BuildWithPatterns})
