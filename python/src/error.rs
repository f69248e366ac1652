//! The one mapping from the core crate's errors to `lifecircle.errors`.

use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;

use lifecircle::Error;

/// Raises the matching exception class of `lifecircle.errors`; an interrupted
/// run is a `KeyboardInterrupt`, as Ctrl-C is anywhere else in Python.
pub fn to_py(e: Error) -> PyErr {
    Python::attach(|py| {
        let class = match &e {
            Error::Io { .. } | Error::Pbf { .. } => "DataFileError",
            Error::Infeasible { .. } => "InfeasibleError",
            Error::Solver(_) => "SolverError",
            Error::Interrupted => return PyKeyboardInterrupt::new_err(e.to_string()),
            _ => "InvalidInputError",
        };
        let made = (|| -> PyResult<PyErr> {
            let cls = py.import("lifecircle.errors")?.getattr(class)?;
            let exc = cls.call1((e.to_string(),))?;
            if let Error::Infeasible { demand, .. } = &e {
                exc.setattr("demand", demand.clone())?;
            }
            Ok(PyErr::from_value(exc))
        })();
        made.unwrap_or_else(|err| err)
    })
}

pub trait OrPy<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> OrPy<T> for lifecircle::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// Bad input naming the argument, as the core crate names its parameters.
pub fn invalid(name: &str, message: impl Into<String>) -> PyErr {
    to_py(Error::InvalidParameter {
        name: name.into(),
        message: message.into(),
    })
}
