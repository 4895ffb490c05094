"""What the wheel holds, beyond pyproject.toml: the project's templates/ and static/ stay at
the top of the checkout, and the wheel carries them inside the mopsboard package, in
mopsboard/site/ (not mopsboard/templates/: Django would find those twice, as the app's own).
pyproject.toml cannot add packages to the ones it finds, so the finding is here too."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(
            include=[
                *("mopsboard*", "people*", "backlog*", "raci*", "conversation*", "capacity*"),
                *("goals*", "imports*", "mail*", "intake*", "notifications*"),
                *("api*", "webhooks*", "demo*"),
            ]
        ),
        "mopsboard.site.templates",
        "mopsboard.site.static",
    ],
    package_dir={"mopsboard.site.templates": "templates", "mopsboard.site.static": "static"},
    # Exactly these files: a MANIFEST-based guess would take the data folders for packages.
    include_package_data=False,
    package_data={
        # Every other file in an app's folders (templates, static files, SQL, text) too.
        "": ["*"],
        "mopsboard.site.templates": ["**/*"],
        "mopsboard.site.static": ["**/*"],
    },
)
